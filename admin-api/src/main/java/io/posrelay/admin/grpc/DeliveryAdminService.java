package io.posrelay.admin.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.ledger.LedgerQueries;
import io.posrelay.admin.ledger.LedgerQuery;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.ledger.ReversalPolicy;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.admin.v1.ReasonCount;
import io.posrelay.admin.v1.RetryDeliveryRequest;
import io.posrelay.admin.v1.StatusCount;
import io.posrelay.admin.v1.WatchDeliveryEventsRequest;
import io.posrelay.runtime.kafka.KafkaHandOff;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@code posrelay.admin.v1.DeliveryAdmin} over the ledger's stores ({@link LedgerQueries}) of this
 * instance and, unless the call is {@link LocalOnly}, of its peers ({@link ClusterQueries}). Every
 * call does bounded work and fails fast with a status: INVALID_ARGUMENT whose description starts
 * with the offending field (result_id: 1..256 visible ASCII; terminal_id: [A-Za-z0-9_-]{1,64};
 * merchant_id: at most 64 characters, no control characters; statuses: at most 16, none
 * UNSPECIFIED; page_size: &gt;= 0; page_token: one this API issued for the same filters, at most
 * 512 characters; received_after/received_before: 1970..9999, after before before), NOT_FOUND
 * for an unknown result, FAILED_PRECONDITION for a retry of a result that is not FAILED or
 * EXPIRED (naming its status; REVERSAL_REQUIRED is never retried) or of an EXPIRED approval,
 * UNAVAILABLE ("ledger restoring") while the ledger is not
 * RUNNING, CANCELLED/DEADLINE_EXCEEDED if the call is already over when it reaches the handler.
 *
 * <p><b>Bounded in time, and no thread held while waiting.</b> Every unary call has one deadline:
 * its client's, or {@link #CALL_DEADLINE} from its start if that comes first. The peers of a
 * fanned-out query are asked in parallel with that deadline, and RetryDelivery waits for Kafka at
 * most {@link #RETRY_PUBLISH_TIMEOUT} (never beyond the deadline). A peer that does not answer in
 * time, or Kafka that does not acknowledge the retry, makes the call UNAVAILABLE; a retry refused
 * because {@link ResultRepublisher}'s bound is full is RESOURCE_EXHAUSTED. The handler returns as
 * soon as it has asked: the answer is written from whichever thread completes the work (a gRPC
 * client thread, Kafka's producer thread; {@link UnaryCalls}), so the few threads of the gRPC
 * executor are never held by a slow peer or an unreachable broker. WatchDeliveryEvents, a stream that lasts as long as its
 * client wants, has no deadline of its own.
 *
 * <p>Thread-safe; holds no mutable state.
 */
public final class DeliveryAdminService extends DeliveryAdminGrpc.DeliveryAdminImplBase {
  /** page_size when the request says 0. */
  public static final int DEFAULT_PAGE_SIZE = 50;
  /** The largest page; a larger page_size is served as this. */
  public static final int MAX_PAGE_SIZE = 1000;

  private static final Pattern TERMINAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int MAX_ID_CHARS = 256;
  /** A result_id: visible ASCII (ilk-ingest issues UUIDs). */
  private static final Pattern RESULT_ID =
      Pattern.compile("[\\x21-\\x7E]{1," + MAX_ID_CHARS + "}");
  private static final int MAX_MERCHANT_ID_CHARS = 64;
  /** A merchant id as ilk-ingest accepts it, less control characters. */
  private static final Pattern MERCHANT_ID =
      Pattern.compile("[^\\p{Cntrl}]{0," + MAX_MERCHANT_ID_CHARS + "}");
  /** Longer than any page token this API issues (about 380 characters). */
  private static final int MAX_PAGE_TOKEN_CHARS = 512;
  /** More status filters than there are statuses, with room for repeats. */
  private static final int MAX_STATUSES = 16;
  private static final int MAX_ECHO_CHARS = 128;
  /** The longest any unary call takes: its deadline unless its client's comes first. */
  public static final Duration CALL_DEADLINE = Duration.ofSeconds(5);
  /**
   * How long RetryDelivery waits for Kafka's ack at most: less than {@link #CALL_DEADLINE}, so
   * that the UNAVAILABLE answer is written before it.
   */
  public static final Duration RETRY_PUBLISH_TIMEOUT = Duration.ofSeconds(4);

  private final ClusterQueries ledger;
  private final ResultRepublisher republisher;
  private final EventFanout events;
  private final Clock clock;
  private final ReversalPolicy reversal;

  /**
   * A service whose RetryDelivery takes the default approved result codes ({@link
   * ReversalPolicy#DEFAULT_APPROVED_RESULT_CODES}) for approvals.
   *
   * @see #DeliveryAdminService(LedgerQueries, Peers, ResultRepublisher, EventFanout, Clock,
   *     ReversalPolicy)
   */
  public DeliveryAdminService(LedgerQueries ledger, Peers peers, ResultRepublisher republisher,
      EventFanout events, Clock clock) {
    this(ledger, peers, republisher, events, clock, ReversalPolicy.defaults());
  }

  /**
   * @param ledger the stores of this instance's ledger partitions
   * @param peers the other instances of the same application, asked for their partitions
   * @param republisher where RetryDelivery publishes
   * @param events the source of WatchDeliveryEvents (every instance sees every event)
   * @param clock for the oldest pending age
   * @param reversal the ledger's reversal policy: RetryDelivery refuses an EXPIRED approval
   */
  public DeliveryAdminService(LedgerQueries ledger, Peers peers, ResultRepublisher republisher,
      EventFanout events, Clock clock, ReversalPolicy reversal) {
    this.ledger = new ClusterQueries(ledger, peers);
    this.republisher = republisher;
    this.events = events;
    this.clock = clock;
    this.reversal = reversal;
  }

  @Override
  public void listDeliveries(
      ListDeliveriesRequest request, StreamObserver<ListDeliveriesResponse> responseObserver) {
    UnaryCalls.serve(responseObserver, deadline -> {
      Set<DeliveryStatus> statuses = statuses(request.getStatusesList());
      checkTerminalId(request.getTerminalId());
      String merchantId = request.getMerchantId();
      if (!MERCHANT_ID.matcher(merchantId).matches()) {
        throw invalid("merchant_id: '" + echo(merchantId) + "' (expected: at most "
            + MAX_MERCHANT_ID_CHARS + " characters, no control characters, or empty)");
      }
      long after = request.hasReceivedAfter()
          ? millis("received_after", request.getReceivedAfter()) : Long.MIN_VALUE;
      long before = request.hasReceivedBefore()
          ? millis("received_before", request.getReceivedBefore()) : Long.MAX_VALUE;
      if (after != Long.MIN_VALUE && before != Long.MAX_VALUE && after >= before) {
        throw invalid("received_after: must be before received_before");
      }
      int pageSize = request.getPageSize();
      if (pageSize < 0) {
        throw invalid("page_size: " + pageSize + " (expected: 0.." + MAX_PAGE_SIZE + ", 0 = "
            + DEFAULT_PAGE_SIZE + ")");
      }
      int limit = pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
      TransactionLookups.checkTransactionId(request.getTransactionId());
      TransactionLookups.checkOrderId(request.getOrderId());
      LedgerQuery query = new LedgerQuery(statuses, request.getTerminalId(), merchantId, after,
          before, request.getTransactionId(), request.getOrderId());
      long filterHash = PageToken.filterHash(query);
      if (request.getPageToken().length() > MAX_PAGE_TOKEN_CHARS) {
        throw invalid("page_token: " + request.getPageToken().length() + " characters (expected:"
            + " next_page_token of a previous response, at most " + MAX_PAGE_TOKEN_CHARS + ")");
      }
      String cursor = request.getPageToken().isEmpty()
          ? null : PageToken.decode(request.getPageToken(), filterHash);
      return ledger.list(request, query, filterHash, limit, cursor, deadline)
          .thenApply(page -> {
            String next = page.next();
            return ListDeliveriesResponse.newBuilder()
                .addAllDeliveries(page.deliveries())
                .setNextPageToken(next == null ? "" : PageToken.encode(filterHash, next))
                .build();
          });
    });
  }

  @Override
  public void getDelivery(GetDeliveryRequest request, StreamObserver<Delivery> responseObserver) {
    UnaryCalls.serve(responseObserver, deadline -> {
      String resultId = TransactionLookups.resultIdOf(request);
      String transactionId = request.getTransactionId();
      if (transactionId.isEmpty()) {
        return find(resultId, deadline);
      }
      return ledger.get(resultId, deadline).thenApply(found -> found
          .filter(d -> d.getPaymentResult().getTransactionId().equals(transactionId))
          .orElseThrow(() -> Status.NOT_FOUND.withDescription("no delivery with transaction_id "
              + echo(transactionId)).asRuntimeException()));
    });
  }

  @Override
  public void retryDelivery(
      RetryDeliveryRequest request, StreamObserver<Delivery> responseObserver) {
    UnaryCalls.serve(responseObserver, deadline -> find(request.getResultId(), deadline)
        .thenCompose(delivery -> {
          DeliveryStatus status = delivery.getStatus();
          if (status != DeliveryStatus.DELIVERY_STATUS_FAILED
              && status != DeliveryStatus.DELIVERY_STATUS_EXPIRED) {
            throw Status.FAILED_PRECONDITION
                .withDescription("result_id " + echo(delivery.getResultId()) + " is " + status
                    + (status == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED
                        ? ": it must be reversed, never delivered again" : "")
                    + " (expected: DELIVERY_STATUS_FAILED or DELIVERY_STATUS_EXPIRED)")
                .asRuntimeException();
          }
          if (status == DeliveryStatus.DELIVERY_STATUS_EXPIRED
              && reversal.isApproval(delivery.getPaymentResult())) {
            throw Status.FAILED_PRECONDITION
                .withDescription("result_id " + echo(delivery.getResultId()) + " is " + status
                    + " and an approval (result_code " + echo(delivery.getPaymentResult()
                        .getResultCode()) + "): an approval past its retention is not delivered"
                    + " again (expected: a FAILED result, or an EXPIRED decline)")
                .asRuntimeException();
          }
          long leftNanos = Math.min(RETRY_PUBLISH_TIMEOUT.toNanos(),
              deadline.timeRemaining(TimeUnit.NANOSECONDS));
          if (leftNanos <= 0) {
            throw Status.UNAVAILABLE.withDescription("no time left to publish the retry to Kafka"
                + " before the call's deadline").asRuntimeException();
          }
          Duration wait = Duration.ofNanos(leftNanos);
          return republisher.republish(delivery.getPaymentResult(),
                  Math.max(1, delivery.getAttempt()) + 1, wait)
              .handle((ok, error) -> {
                if (error != null) {
                  throw retryFailed(error);
                }
                return delivery;
              });
        }));
  }

  /** The status of a retry that Kafka did not take. */
  private static StatusRuntimeException retryFailed(Throwable error) {
    Throwable cause = UnaryCalls.unwrap(error);
    if (cause instanceof KafkaHandOff.Rejected rejected) {
      return switch (rejected.rejection()) {
        case FULL -> Status.RESOURCE_EXHAUSTED.withDescription("too many retries awaiting Kafka;"
            + " retry later").asRuntimeException();
        case KAFKA_UNREACHABLE -> Status.UNAVAILABLE.withDescription("Kafka unreachable: the"
            + " retry was not published; retry later").asRuntimeException();
        case STOPPED -> Status.UNAVAILABLE.withDescription("admin-api is shutting down: the retry"
            + " was not published").asRuntimeException();
      };
    }
    if (cause instanceof TimeoutException
        || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      // Ours (the wait) or the producer's (delivery.timeout.ms): either way the record may have
      // reached a broker that did not answer in time, so the outcome is unknown, not a failure.
      return Status.UNAVAILABLE.withDescription("Kafka did not acknowledge the retry in time:"
          + " it may still be published (a repeat is harmless, terminals deduplicate by"
          + " result_id); check GetDelivery before retrying again").withCause(cause)
          .asRuntimeException();
    }
    return Status.UNAVAILABLE.withDescription("could not publish the retry to Kafka: " + cause)
        .withCause(cause).asRuntimeException();
  }

  @Override
  public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> responseObserver) {
    UnaryCalls.serve(responseObserver, deadline -> ledger.stats(clock.millis(), deadline).thenApply(stats -> {
      GetStatsResponse.Builder b = GetStatsResponse.newBuilder();
      long total = 0;
      for (var e : stats.byStatus().entrySet()) {
        b.addStatusCounts(StatusCount.newBuilder().setStatus(e.getKey()).setCount(e.getValue()));
        total += e.getValue();
      }
      stats.byReason().forEach((reason, count) ->
          b.addReasonCounts(ReasonCount.newBuilder().setReason(reason).setCount(count)));
      Duration age = stats.oldestPendingAge();
      return b.setTotal(total)
          .setDuplicateClaims(stats.duplicateClaims())
          .setReversalsRequired(stats.reversalsRequired())
          .setConflicts(stats.conflicts())
          .setOldestPendingAge(com.google.protobuf.Duration.newBuilder()
              .setSeconds(age.getSeconds()).setNanos(age.getNano()))
          .build();
    }));
  }

  @Override
  public void watchDeliveryEvents(
      WatchDeliveryEventsRequest request, StreamObserver<DeliveryEvent> responseObserver) {
    try {
      UnaryCalls.checkNotOver();
      Set<DeliveryStatus> statuses = statuses(request.getStatusesList());
      String terminalId = request.getTerminalId();
      checkTerminalId(terminalId);
      events.subscribe(
          e -> (statuses.isEmpty() || statuses.contains(e.getTo()))
              && (terminalId.isEmpty() || terminalId.equals(e.getTerminalId())),
          (ServerCallStreamObserver<DeliveryEvent>) responseObserver);
    } catch (StatusRuntimeException e) {
      responseObserver.onError(e);
    }
  }

  private CompletableFuture<Delivery> find(String resultId, Deadline deadline) {
    if (!RESULT_ID.matcher(resultId).matches()) {
      throw invalid("result_id: '" + echo(resultId) + "' (expected: the result_id of a payment"
          + " result, 1.." + MAX_ID_CHARS + " visible ASCII characters)");
    }
    return ledger.get(resultId, deadline).thenApply(found -> found.orElseThrow(
        () -> Status.NOT_FOUND.withDescription("no delivery with result_id " + echo(resultId))
            .asRuntimeException()));
  }

  private static Set<DeliveryStatus> statuses(List<DeliveryStatus> requested) {
    if (requested.size() > MAX_STATUSES) {
      throw invalid("statuses: " + requested.size() + " values (expected: at most "
          + MAX_STATUSES + ")");
    }
    Set<DeliveryStatus> statuses = EnumSet.noneOf(DeliveryStatus.class);
    for (DeliveryStatus status : requested) {
      if (status == DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED
          || status == DeliveryStatus.UNRECOGNIZED) {
        throw invalid("statuses: " + status + " (expected: DELIVERY_STATUS_PENDING, _DELIVERING,"
            + " _DELIVERED, _FAILED, _EXPIRED or _REVERSAL_REQUIRED)");
      }
      statuses.add(status);
    }
    return statuses;
  }

  private static void checkTerminalId(String terminalId) {
    if (!terminalId.isEmpty() && !TERMINAL_ID.matcher(terminalId).matches()) {
      throw invalid(
          "terminal_id: '" + echo(terminalId) + "' (expected: [A-Za-z0-9_-]{1,64} or empty)");
    }
  }

  private static long millis(String field, Timestamp t) {
    if (t.getSeconds() < 0 || t.getNanos() < 0 || t.getNanos() > 999_999_999
        || t.getSeconds() > 253_402_300_799L) {
      throw invalid(field + ": " + t.getSeconds() + "s " + t.getNanos()
          + "ns (expected: a time between 1970 and 9999)");
    }
    return t.getSeconds() * 1000L + t.getNanos() / 1_000_000;
  }

  private static StatusRuntimeException invalid(String description) {
    return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
  }

  /**
   * A request value as it may appear in a status description: at most 128 characters, each
   * control character (a line break, an escape sequence) shown as {@code ?}.
   */
  static String echo(String value) {
    String cut =
        value.length() <= MAX_ECHO_CHARS ? value : value.substring(0, MAX_ECHO_CHARS) + "…";
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
