package io.posrelay.admin.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.ledger.DeliveryLedger;
import io.posrelay.admin.ledger.LedgerPage;
import io.posrelay.admin.ledger.SortKey;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code posrelay.admin.v1.DeliveryAdmin} over a {@link DeliveryLedger}. Every call does bounded
 * in-memory work (at most {@value #MAX_PAGE_SIZE} records) and fails fast with a status:
 * INVALID_ARGUMENT whose description starts with the offending field, NOT_FOUND for an unknown
 * result, CANCELLED/DEADLINE_EXCEEDED if the call is already over when it reaches the handler.
 * Thread-safe.
 */
public final class DeliveryAdminService extends DeliveryAdminGrpc.DeliveryAdminImplBase {
  /** page_size when the request says 0. */
  public static final int DEFAULT_PAGE_SIZE = 50;
  /** The largest page; a larger page_size is served as this. */
  public static final int MAX_PAGE_SIZE = 1000;

  private static final Pattern TERMINAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int MAX_ECHO_CHARS = 128;

  private final DeliveryLedger ledger;

  /** Serves {@code ledger}. */
  public DeliveryAdminService(DeliveryLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public void listDeliveries(
      ListDeliveriesRequest request, StreamObserver<ListDeliveriesResponse> responseObserver) {
    try {
      checkNotOver();
      Set<DeliveryStatus> statuses = EnumSet.noneOf(DeliveryStatus.class);
      for (DeliveryStatus status : request.getStatusesList()) {
        if (status == DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED
            || status == DeliveryStatus.UNRECOGNIZED) {
          throw invalid(
              "statuses: "
                  + status
                  + " (expected: DELIVERY_STATUS_PENDING, _DELIVERING, _DELIVERED, _FAILED or"
                  + " _EXPIRED)");
        }
        statuses.add(status);
      }
      String terminalId = request.getTerminalId();
      if (!terminalId.isEmpty() && !TERMINAL_ID.matcher(terminalId).matches()) {
        throw invalid(
            "terminal_id: '" + echo(terminalId) + "' (expected: [A-Za-z0-9_-]{1,64} or empty)");
      }
      int pageSize = request.getPageSize();
      if (pageSize < 0) {
        throw invalid(
            "page_size: " + pageSize + " (expected: 0.." + MAX_PAGE_SIZE + ", 0 = "
                + DEFAULT_PAGE_SIZE + ")");
      }
      int limit = pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
      long filterHash = PageToken.filterHash(statuses, terminalId);
      SortKey after =
          request.getPageToken().isEmpty()
              ? null
              : PageToken.decode(request.getPageToken(), filterHash);
      LedgerPage page = ledger.list(statuses, terminalId, limit, after);
      SortKey next = page.next();
      responseObserver.onNext(
          ListDeliveriesResponse.newBuilder()
              .addAllDeliveries(page.deliveries())
              .setNextPageToken(next == null ? "" : PageToken.encode(filterHash, next))
              .build());
      responseObserver.onCompleted();
    } catch (StatusRuntimeException e) {
      responseObserver.onError(e);
    }
  }

  @Override
  public void getDelivery(GetDeliveryRequest request, StreamObserver<Delivery> responseObserver) {
    try {
      checkNotOver();
      String resultId = request.getResultId();
      if (resultId.isEmpty()) {
        throw invalid("result_id: empty (expected: the result_id of a payment result)");
      }
      Delivery delivery =
          ledger
              .get(resultId)
              .orElseThrow(
                  () ->
                      Status.NOT_FOUND
                          .withDescription("no delivery with result_id " + echo(resultId))
                          .asRuntimeException());
      responseObserver.onNext(delivery);
      responseObserver.onCompleted();
    } catch (StatusRuntimeException e) {
      responseObserver.onError(e);
    }
  }

  /** Fails fast if the client has gone or its deadline passed while the call was queued. */
  private static void checkNotOver() {
    Context context = Context.current();
    if (context.isCancelled()) {
      Status status = Contexts.statusFromCancelled(context);
      throw (status == null ? Status.CANCELLED : status)
          .augmentDescription("call was over before it was served")
          .asRuntimeException();
    }
  }

  private static StatusRuntimeException invalid(String description) {
    return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
  }

  private static String echo(String value) {
    return value.length() <= MAX_ECHO_CHARS ? value : value.substring(0, MAX_ECHO_CHARS) + "…";
  }
}
