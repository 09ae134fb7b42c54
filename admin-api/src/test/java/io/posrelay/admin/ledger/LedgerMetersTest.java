package io.posrelay.admin.ledger;

import static io.posrelay.admin.ledger.TestEvents.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerMetersTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path stateDir;

  @Test
  void gauges_followTheLedgerCounts() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (LedgerDriver ledger = new LedgerDriver(stateDir, T0)) {
      ledger.result(result("a", "T1", T0.minusSeconds(2)));
      ledger.result(result("b", "T1", T0));
      ledger.advance(LedgerDriver.CLAIM_DEADLINE.plusSeconds(2)); // both FAILED(UNCLAIMED)
      ledger.result(result("c", "T1", T0.minusSeconds(5)));
      LedgerMeters.bindTo(registry, ledger.queries, Clock.fixed(T0, ZoneOffset.UTC));

      assertThat(registry.get(LedgerMeters.DELIVERIES).tag("status", "pending").gauge().value())
          .isEqualTo(1);
      assertThat(registry.get(LedgerMeters.DELIVERIES).tag("status", "failed").gauge().value())
          .isEqualTo(2);
      assertThat(registry.get(LedgerMeters.FAILED).tag("reason", "unclaimed").gauge().value())
          .isEqualTo(2);
      assertThat(registry.get(LedgerMeters.OLDEST_PENDING_AGE).gauge().value()).isEqualTo(5);
    }
  }

  @Test
  void gauges_areNaN_whileTheLedgerIsUnavailable() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LedgerMeters.bindTo(registry, new LedgerQueries(() -> {
      throw new LedgerUnavailableException("ledger restoring");
    }, terminalId -> -1), Clock.systemUTC());

    assertThat(registry.get(LedgerMeters.DUPLICATE_CLAIMS).gauge().value()).isNaN();
    assertThat(List.of(registry.get(LedgerMeters.DELIVERIES).gauges().size())).containsExactly(6);
  }
}
