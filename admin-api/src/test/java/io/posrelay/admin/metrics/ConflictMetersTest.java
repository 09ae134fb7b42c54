package io.posrelay.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.FailureReason;
import org.junit.jupiter.api.Test;

/** Reversal decisions count as transitions to reversal_required; conflicts count on their own. */
class ConflictMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AdminMeters meters = new AdminMeters(registry);

  @Test
  void reversalDecision_isATransition_andAConflictIsNot() {
    assertThat(transitions("reversal_required", "unclaimed")).isZero(); // registered at 0
    assertThat(registry.get(AdminMeters.LEDGER_CONFLICTS).counter().count()).isZero();

    meters.transition(DeliveryEvent.newBuilder().setFrom(DeliveryStatus.DELIVERY_STATUS_FAILED)
        .setTo(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED)
        .setReason(FailureReason.FAILURE_REASON_UNCLAIMED).build());
    meters.transition(DeliveryEvent.newBuilder()
        .setFrom(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED)
        .setTo(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED).setConflict(true).build());

    assertThat(transitions("reversal_required", "unclaimed")).isEqualTo(1);
    assertThat(transitions("reversal_required", "none")).isZero();
    assertThat(registry.get(AdminMeters.LEDGER_CONFLICTS).counter().count()).isEqualTo(1);
  }

  private double transitions(String to, String reason) {
    return registry.get(AdminMeters.LEDGER_TRANSITIONS).tag("to", to).tag("reason", reason)
        .counter().count();
  }
}
