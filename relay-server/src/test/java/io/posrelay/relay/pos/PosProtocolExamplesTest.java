package io.posrelay.relay.pos;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.Ping;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.Pong;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.v1.PaymentResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Keeps the hex examples of docs/pos-protocol.md exact. */
class PosProtocolExamplesTest {
  private static final String RESULT_ID =
      UUID.nameUUIDFromBytes("ilk:T20260102-000042".getBytes(StandardCharsets.UTF_8)).toString();

  private static String wire(PosFrame frame) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    frame.writeDelimitedTo(out);
    return HexFormat.ofDelimiter(" ").formatHex(out.toByteArray());
  }

  private static String hex(String... lines) {
    return String.join(" ", lines);
  }

  @Test
  void helloExample() throws IOException {
    PosFrame hello = PosFrame.newBuilder()
        .setHello(Hello.newBuilder().setTerminalId("CAT-0001").setMerchantId("M-1001")).build();
    assertThat(wire(hello)).isEqualTo(hex(
        "14 0a 12 0a 08 43 41 54 2d 30 30 30 31 12 06 4d",
        "2d 31 30 30 31"));
  }

  @Test
  void welcomeExample() throws IOException {
    PosFrame welcome = PosFrame.newBuilder()
        .setWelcome(Welcome.newBuilder().setNodeId("relay-1")
            .setSessionId("3f2c9a7e-5b1d-4c8e-9a0f-1e2d3c4b5a69").setHeartbeatIntervalMs(10_000)
            .setProtocolVersion(1))
        .build();
    assertThat(wire(welcome)).isEqualTo(hex(
        "36 12 34 0a 07 72 65 6c 61 79 2d 31 12 24 33 66",
        "32 63 39 61 37 65 2d 35 62 31 64 2d 34 63 38 65",
        "2d 39 61 30 66 2d 31 65 32 64 33 63 34 62 35 61",
        "36 39 18 90 4e 20 01"));
  }

  @Test
  void paymentResultAndAckExamples() throws IOException {
    assertThat(RESULT_ID).isEqualTo("62db5330-40d8-3308-a802-845a62b7b117");
    PaymentResult result = PaymentResult.newBuilder()
        .setResultId(RESULT_ID)
        .setTransactionId("T20260102-000042")
        .setTerminalId("CAT-0001")
        .setMerchantId("M-1001")
        .setOrderId("ORD-7")
        .setResultCode("0000")
        .setResultMessage("APPROVED")
        .setAmount(15_000)
        .setCurrency("KRW")
        .setApprovalNumber("30012345")
        .setCardNumberMasked("536148******1234")
        .setInstallmentMonths(0)
        .setApprovedAt(Timestamp.newBuilder().setSeconds(1_767_322_800L))
        .setReceivedAt(Timestamp.newBuilder().setSeconds(1_767_322_801L).setNanos(250_000_000))
        .setAttempt(1)
        .build();
    assertThat(wire(PosFrame.newBuilder().setPaymentResult(result).build())).isEqualTo(hex(
        "9f 01 1a 9c 01 0a 24 36 32 64 62 35 33 33 30 2d",
        "34 30 64 38 2d 33 33 30 38 2d 61 38 30 32 2d 38",
        "34 35 61 36 32 62 37 62 31 31 37 12 10 54 32 30",
        "32 36 30 31 30 32 2d 30 30 30 30 34 32 1a 08 43",
        "41 54 2d 30 30 30 31 22 06 4d 2d 31 30 30 31 2a",
        "05 4f 52 44 2d 37 32 04 30 30 30 30 3a 08 41 50",
        "50 52 4f 56 45 44 40 98 75 4a 03 4b 52 57 52 08",
        "33 30 30 31 32 33 34 35 5a 10 35 33 36 31 34 38",
        "2a 2a 2a 2a 2a 2a 31 32 33 34 6a 06 08 b0 e9 dc",
        "ca 06 72 0b 08 b1 e9 dc ca 06 10 80 e5 9a 77 78",
        "01"));
    assertThat(wire(PosFrame.newBuilder().setAck(Ack.newBuilder().setResultId(RESULT_ID))
        .build())).isEqualTo(hex(
        "28 22 26 0a 24 36 32 64 62 35 33 33 30 2d 34 30",
        "64 38 2d 33 33 30 38 2d 61 38 30 32 2d 38 34 35",
        "61 36 32 62 37 62 31 31 37"));
  }

  @Test
  void pingPongAndErrorExamples() throws IOException {
    assertThat(wire(PosFrame.newBuilder().setPing(Ping.newBuilder().setNonce(1)).build()))
        .isEqualTo("04 2a 02 08 01");
    assertThat(wire(PosFrame.newBuilder().setPong(Pong.newBuilder().setNonce(1)).build()))
        .isEqualTo("04 32 02 08 01");
    assertThat(wire(PosFrame.newBuilder().setError(Error.newBuilder()
        .setCode(Error.Code.CODE_SESSION_REPLACED).setMessage("replaced")).build()))
        .isEqualTo("0e 3a 0c 08 07 12 08 72 65 70 6c 61 63 65 64");
  }
}
