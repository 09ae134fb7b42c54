package io.posrelay.testkit.ilk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IlkCallbackTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void body_isJsonWithEveryWebhookField() throws Exception {
    IlkSimulatorConfig config = IlkSimulatorConfig.builder().runId("r1").seed(7).build();

    JsonNode body = mapper.readTree(IlkCallback.next(config, 42, new Random(7)).toJson(mapper));

    List<String> fields = new ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactlyInAnyOrder(
            "transactionId", "terminalId", "merchantId", "orderId", "resultCode",
            "resultMessage", "amount", "currency", "approvalNumber", "cardNumberMasked",
            "installmentMonths", "approvedAt");
    assertThat(body.get("transactionId").asText()).isEqualTo("sim-r1-42");
    assertThat(body.get("terminalId").asText()).matches("T\\d{4}");
    assertThat(body.get("merchantId").asText()).isEqualTo("M" + body.get("terminalId").asText());
    assertThat(body.get("resultCode").asText()).isEqualTo("0000");
    assertThat(body.get("currency").asText()).isEqualTo("KRW");
    assertThat(body.get("amount").isIntegralNumber()).isTrue();
    assertThat(body.get("amount").asLong()).isPositive();
    assertThat(body.get("approvalNumber").asText()).matches("\\d{8}");
    assertThat(body.get("cardNumberMasked").asText()).isEqualTo("123456******1234");
    assertThat(body.get("installmentMonths").isInt()).isTrue();
    assertThat(Instant.parse(body.get("approvedAt").asText())).isBeforeOrEqualTo(Instant.now());
  }

  @Test
  void unconnectedShare_usesTheUnconnectedPrefix() {
    IlkSimulatorConfig config =
        IlkSimulatorConfig.builder().terminals(5).unconnectedRatio(1).seed(1).build();

    IlkCallback callback = IlkCallback.next(config, 1, new Random(1));

    assertThat(callback.unconnected()).isTrue();
    assertThat(callback.terminalId()).matches("X000[1-5]");
  }

  @Test
  void connectedTerminals_stayWithinTheConfiguredCount() {
    IlkSimulatorConfig config = IlkSimulatorConfig.builder().terminals(3).build();
    Random random = new Random(3);

    for (int i = 1; i <= 200; i++) {
      assertThat(IlkCallback.next(config, i, random).terminalId()).isIn("T0001", "T0002", "T0003");
    }
  }
}
