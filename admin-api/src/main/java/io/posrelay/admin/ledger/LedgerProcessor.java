package io.posrelay.admin.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.ledger.v1.EarlyClaims;
import io.posrelay.ledger.v1.LedgerRecord;
import io.posrelay.runtime.log.LogContext;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's one processor: applies results and claims of one partition (co-partitioned by
 * terminal_id) to the records, and every {@link LedgerTopology#PUNCTUATE_INTERVAL} of wall-clock
 * time range-scans the due index up to now — only what is due, never the whole store. Each
 * transition is forwarded once to the delivery-events sink, keyed by terminal_id.
 *
 * <p>Deadlines are measured on the wall clock of the instance that processes the record ({@link
 * ProcessorContext#currentSystemTimeMs()}), from when the ledger saw the result or claim. A claim
 * deadline or ack backstop is enforced only once the task has no backlog that could still hold the
 * claim: its stream time (the newest record timestamp it processed) has reached the due time, or
 * it has processed no input for {@link #IDLE}. So a restart (or a rebalance) does not fail results
 * whose claims were already in Kafka but not yet processed. While a backlog lasts, expiry and purge
 * wait the same way.
 */
final class LedgerProcessor implements Processor<String, Object, String, DeliveryEvent> {
  private static final Logger log = LoggerFactory.getLogger(LedgerProcessor.class);
  /** The most due entries handled per punctuation; the rest wait for the next one. */
  static final int MAX_DUE_PER_PUNCTUATION = 10_000;
  /** Claims waiting for their result are dropped after this long. */
  static final Duration EARLY_CLAIM_MAX_AGE = Duration.ofMinutes(10);
  /** The most claims kept waiting for one result. */
  static final int MAX_EARLY_CLAIMS_PER_RESULT = 16;
  /** A task that processed no input for this long has no backlog: deadlines go by wall clock. */
  static final Duration IDLE = Duration.ofSeconds(1);

  private final DeliveryStateMachine machine;
  private final IntConsumer duplicateClaims;
  private ProcessorContext<String, DeliveryEvent> context;
  private LedgerStore store;
  private long lastInputMs;

  /**
   * @param machine the state machine
   * @param duplicateClaims told how many duplicate claims each input added (when it added any),
   *     for a counter; called on the stream thread, so it must not block
   */
  LedgerProcessor(DeliveryStateMachine machine, IntConsumer duplicateClaims) {
    this.machine = machine;
    this.duplicateClaims = duplicateClaims;
  }

  @Override
  public void init(ProcessorContext<String, DeliveryEvent> context) {
    this.context = context;
    this.store = new LedgerStore(context);
    store.pending.rebuild(store);
    this.lastInputMs = context.currentSystemTimeMs();
    context.schedule(LedgerTopology.PUNCTUATE_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
        this::punctuate);
  }

  @Override
  public void process(Record<String, Object> record) {
    long now = context.currentSystemTimeMs();
    lastInputMs = now;
    Object value = record.value();
    if (value instanceof PaymentResult result) {
      onResult(result, now);
    } else if (value instanceof DeliveryClaim claim) {
      onClaim(claim, now);
    }
  }

  private void onResult(PaymentResult result, long now) {
    String id = result.getResultId();
    if (id.isEmpty() || result.getTerminalId().isEmpty()) {
      log.warn("skipping result without result_id or terminal_id at {}", coordinates());
      return;
    }
    LedgerRecord current = store.get(id);
    if (current == null) {
      apply(id, null, machine.onNewResult(result, now));
      for (DeliveryClaim claim : takeEarlyClaims(id)) {
        LedgerRecord before = store.get(id);
        if (before != null) {
          apply(id, before, machine.onClaim(before, claim, now));
        }
      }
    } else {
      apply(id, current, machine.onRepublished(current, result, now));
    }
  }

  private void onClaim(DeliveryClaim claim, long now) {
    String id = claim.getResultId();
    DeliveryClaim.Outcome outcome = claim.getOutcome();
    if (id.isEmpty()
        || outcome == DeliveryClaim.Outcome.OUTCOME_UNSPECIFIED
        || outcome == DeliveryClaim.Outcome.UNRECOGNIZED) {
      log.warn("skipping claim without result_id or outcome at {}", coordinates());
      return;
    }
    LedgerRecord current = store.get(id);
    if (current == null) {
      keepEarlyClaim(claim, now);
    } else {
      apply(id, current, machine.onClaim(current, claim, now));
    }
  }

  private void apply(String id, @Nullable LedgerRecord before, DeliveryStateMachine.Change change) {
    if (change.record() != before) {
      store.save(id, before, change.record());
      LedgerRecord after = change.record();
      int added = (after == null ? 0 : after.getDelivery().getDuplicateClaims())
          - (before == null ? 0 : before.getDelivery().getDuplicateClaims());
      if (added > 0 && after != null) {
        duplicateClaims.accept(added);
      }
    }
    for (DeliveryEvent event : change.events()) {
      context.forward(new Record<>(event.getTerminalId(), event, context.currentSystemTimeMs()));
      // The ledger itself is the record of every transition; the log carries the ones an
      // operator acts on (a failure, an expiry, a failed result delivered after all) at INFO,
      // and the routine three per result (PENDING, DELIVERING, DELIVERED) at DEBUG.
      boolean notable = event.getTo() == DeliveryStatus.DELIVERY_STATUS_FAILED
          || event.getTo() == DeliveryStatus.DELIVERY_STATUS_EXPIRED
          || event.getTo() == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED
          || event.getFrom() == DeliveryStatus.DELIVERY_STATUS_FAILED;
      if (notable ? log.isInfoEnabled() : log.isDebugEnabled()) {
        String format = "delivery {} → {} result_id={} terminal_id={} node_id={} reason={}"
            + (event.getConflict() ? " CONFLICT: acked after the reversal decision" : "");
        Object[] args = {event.getFrom(), event.getTo(), event.getResultId(),
            event.getTerminalId(), event.getNodeId(), event.getReason()};
        try (LogContext ignored = LogContext.open().resultId(event.getResultId())
            .terminalId(event.getTerminalId()).nodeId(event.getNodeId())) {
          if (notable) {
            log.info(format, args);
          } else {
            log.debug(format, args);
          }
        }
      }
    }
  }

  private void punctuate(long now) {
    // With a backlog, only what is due by stream time: its claims may still be in the backlog.
    boolean idle = now - lastInputMs >= IDLE.toMillis();
    long upTo = idle ? now : Math.min(now, context.currentStreamTimeMs());
    if (upTo < 0) {
      return;
    }
    List<KeyValue<String, String>> dueEntries = new ArrayList<>();
    // PENDING records' claim deadlines first: they are the ones a relay's recovery waits for.
    collectDue(LedgerKeys.PENDING_DUE, LedgerKeys.pendingDueUpTo(upTo), dueEntries);
    collectDue("", LedgerKeys.dueUpTo(upTo), dueEntries);
    for (KeyValue<String, String> entry : dueEntries) {
      String id = LedgerKeys.resultIdOfDue(entry.key);
      long dueAt = LedgerKeys.dueAtOf(entry.key);
      if (LedgerStore.DUE_EARLY_CLAIMS.equals(entry.value)) {
        store.due.delete(entry.key);
        if (store.earlyClaims.delete(id) != null) {
          store.add(LedgerStoreNames.WAITING_EARLY_CLAIMS, -1);
          try (LogContext ignored = LogContext.open().resultId(id)) {
            log.warn("dropped claims for result_id={}: its result did not arrive within {}", id,
                EARLY_CLAIM_MAX_AGE);
          }
        }
        continue;
      }
      LedgerRecord current = store.get(id);
      if (current == null || current.getDueAtMs() != dueAt) {
        store.due.delete(entry.key); // stale entry: cannot happen unless the stores diverged
        continue;
      }
      apply(id, current, machine.onDue(current, now));
    }
  }

  /** Adds the due entries from {@code from} to {@code to} while fewer than the most per tick. */
  private void collectDue(String from, String to, List<KeyValue<String, String>> dueEntries) {
    if (dueEntries.size() >= MAX_DUE_PER_PUNCTUATION) {
      return;
    }
    try (KeyValueIterator<String, String> it = store.due.range(from, to)) {
      while (it.hasNext() && dueEntries.size() < MAX_DUE_PER_PUNCTUATION) {
        dueEntries.add(it.next());
      }
    }
  }

  private void keepEarlyClaim(DeliveryClaim claim, long now) {
    String id = claim.getResultId();
    byte[] bytes = store.earlyClaims.get(id);
    EarlyClaims waiting;
    if (bytes == null) {
      long dueAt = now + EARLY_CLAIM_MAX_AGE.toMillis();
      waiting = EarlyClaims.newBuilder().setFirstSeenMs(now).setDueAtMs(dueAt).addClaims(claim)
          .build();
      store.due.put(LedgerKeys.due(dueAt, id), LedgerStore.DUE_EARLY_CLAIMS);
      store.add(LedgerStoreNames.WAITING_EARLY_CLAIMS, 1);
    } else {
      EarlyClaims old = parseEarlyClaims(bytes);
      if (old.getClaimsCount() >= MAX_EARLY_CLAIMS_PER_RESULT) {
        try (LogContext ignored = LogContext.open().resultId(id).terminalId(claim.getTerminalId())
            .nodeId(claim.getNodeId())) {
          log.warn("dropped a claim for result_id={}: {} claims already wait for its result", id,
              MAX_EARLY_CLAIMS_PER_RESULT);
        }
        return;
      }
      waiting = old.toBuilder().addClaims(claim).build();
    }
    store.earlyClaims.put(id, waiting.toByteArray());
  }

  private List<DeliveryClaim> takeEarlyClaims(String id) {
    // Looked up first: a delete of an absent key would still write a changelog tombstone, once
    // for every new result.
    byte[] bytes = store.earlyClaims.get(id);
    if (bytes == null) {
      return List.of();
    }
    store.earlyClaims.delete(id);
    EarlyClaims waiting = parseEarlyClaims(bytes);
    store.due.delete(LedgerKeys.due(waiting.getDueAtMs(), id));
    store.add(LedgerStoreNames.WAITING_EARLY_CLAIMS, -1);
    return waiting.getClaimsList();
  }

  private String coordinates() {
    return context
        .recordMetadata()
        .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
        .orElse("(punctuation)");
  }

  private static EarlyClaims parseEarlyClaims(byte[] bytes) {
    try {
      return EarlyClaims.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("ledger-early-claims: unreadable entry", e);
    }
  }
}
