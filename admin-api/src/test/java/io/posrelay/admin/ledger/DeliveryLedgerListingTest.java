package io.posrelay.admin.ledger;

import static io.posrelay.admin.ledger.TestEvents.claim;
import static io.posrelay.admin.ledger.TestEvents.result;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.v1.DeliveryClaim.Outcome.OUTCOME_DELIVERED;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.admin.v1.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryLedgerListingTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final DeliveryLedger ledger =
      new DeliveryLedger(
          new TestEvents.MutableClock(T0),
          Duration.ofSeconds(3),
          Duration.ofSeconds(5),
          1000,
          new SimpleMeterRegistry());

  @Test
  void list_isNewestFirstAndFiltersByStatusAndTerminal() {
    ledger.onResult(result("a", "T1", T0));
    ledger.onResult(result("b", "T2", T0.plusSeconds(1)));
    ledger.onResult(result("c", "T1", T0.plusSeconds(2)));
    ledger.onResult(result("d", "T1", T0.plusSeconds(2)));
    ledger.onClaim(claim("a", "relay-1", "s1", OUTCOME_DELIVERED));

    assertThat(ids(ledger.list(Set.of(), null, 10, null))).containsExactly("d", "c", "b", "a");
    assertThat(ids(ledger.list(Set.of(DELIVERY_STATUS_PENDING), null, 10, null)))
        .containsExactly("d", "c", "b");
    assertThat(ids(ledger.list(Set.of(DELIVERY_STATUS_PENDING), "T1", 10, null)))
        .containsExactly("d", "c");
    assertThat(
            ids(ledger.list(Set.of(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_DELIVERED), "T1", 10,
                null)))
        .containsExactly("d", "c", "a");
    assertThat(ids(ledger.list(Set.of(), "T9", 10, null))).isEmpty();
  }

  @Test
  void list_pagesByCursor() {
    for (int i = 0; i < 5; i++) {
      ledger.onResult(result("r" + i, "T1", T0.plusSeconds(i)));
    }

    LedgerPage first = ledger.list(Set.of(), null, 2, null);
    assertThat(ids(first)).containsExactly("r4", "r3");
    LedgerPage second = ledger.list(Set.of(), null, 2, first.next());
    assertThat(ids(second)).containsExactly("r2", "r1");
    LedgerPage last = ledger.list(Set.of(), null, 2, second.next());
    assertThat(ids(last)).containsExactly("r0");
    assertThat(last.next()).isNull();
  }

  private static java.util.List<String> ids(LedgerPage page) {
    return page.deliveries().stream().map(Delivery::getResultId).toList();
  }
}
