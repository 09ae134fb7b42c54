package io.posrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.admin.ledger.ReversalPolicy;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reversal keys: defaults, per-merchant overrides, and start-up errors naming the key. */
class ReversalKeysTest {
  private static ServiceConfig.Builder config() {
    return ServiceConfig.builder(AdminKeys.SPEC);
  }

  @Test
  void defaults_are0000And60Seconds_withoutOverrides() {
    ReversalPolicy policy = ReversalKeys.policy(config().build());

    assertThat(policy.approvedResultCodes()).containsExactly("0000");
    assertThat(policy.deadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.merchantDeadlines()).isEmpty();
    assertThat(AdminKeys.ledgerSettings(config().build()).reversal()).isEqualTo(policy);
  }

  @Test
  void merchantOverrides_andCodes_areParsed() {
    ReversalPolicy policy = ReversalKeys.policy(config()
        .set("reversal.deadline.merchants", " MID1=120000, MID2=30000 ")
        .set("reversal.approved-result-codes", "0000,00")
        .set("reversal.deadline.ms", "45000")
        .build());

    assertThat(policy.merchantDeadlines()).isEqualTo(
        Map.of("MID1", Duration.ofMinutes(2), "MID2", Duration.ofSeconds(30)));
    assertThat(policy.deadlineOf("MID2")).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.deadlineOf("OTHER")).isEqualTo(Duration.ofSeconds(45));
    assertThat(policy.approvedResultCodes()).isEqualTo(Set.of("0000", "00"));
    assertThat(policy.isApproval(PaymentResult.newBuilder().setResultCode("00").build())).isTrue();
    assertThat(policy.isApproval(PaymentResult.newBuilder().setResultCode("5100").build()))
        .isFalse();
  }

  @Test
  void badValues_failStartUpNamingTheKey() {
    assertThatThrownBy(() -> config().set("reversal.deadline.merchants", "MID1=abc").build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("reversal.deadline.merchants: MID1=abc (expected: MID=MS[,MID=MS...], each"
            + " MID [A-Za-z0-9_.-]{1,64} once, each MS >= 1, or empty; 'MID1=abc' is not MID=MS),"
            + " from code");
    assertThatThrownBy(() -> config().set("reversal.deadline.merchants", "M1=1,M1=2").build())
        .hasMessageStartingWith("reversal.deadline.merchants: M1=1,M1=2 (expected:")
        .hasMessageContaining("M1 is given twice");
    assertThatThrownBy(() -> config().set("reversal.deadline.merchants", "M1=0").build())
        .hasMessageStartingWith("reversal.deadline.merchants: M1=0 (expected:");
    assertThatThrownBy(() -> config().set("reversal.deadline.ms", "0").build())
        .hasMessage("reversal.deadline.ms: 0 (expected: >= 1), from code");
    assertThatThrownBy(() -> config().set("reversal.approved-result-codes", "00 00").build())
        .hasMessageStartingWith("reversal.approved-result-codes: 00 00 (expected: at least one"
            + " code");
    assertThatThrownBy(() -> config().set("reversal.approved-result-codes", "").build())
        .hasMessageStartingWith("reversal.approved-result-codes: (empty) (expected: at least one"
            + " code");
  }
}
