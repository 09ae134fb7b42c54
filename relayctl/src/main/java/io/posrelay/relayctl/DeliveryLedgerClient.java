package io.posrelay.relayctl;

import com.google.common.net.HostAndPort;
import io.grpc.ManagedChannel;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.relayctl.admin.AdminCredentials;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the delivery ledger of admin-api over gRPC: plaintext without a token, or as {@link
 * AdminCredentials} say. Not thread-safe.
 */
final class DeliveryLedgerClient implements AutoCloseable {
  private static final int PAGE_SIZE = 1000;
  private static final int MAX_PAGES = 10_000;

  private final ManagedChannel channel;
  private final DeliveryAdminGrpc.DeliveryAdminBlockingStub stub;

  /** @param address admin-api's gRPC address, reached in plaintext without a token */
  DeliveryLedgerClient(HostAndPort address) {
    this(address, AdminCredentials.NONE);
  }

  /**
   * @param address admin-api's gRPC address
   * @param credentials the operator token and TLS trust
   */
  DeliveryLedgerClient(HostAndPort address, AdminCredentials credentials) {
    channel = credentials.open(address);
    stub = DeliveryAdminGrpc.newBlockingStub(channel);
  }

  /**
   * Every delivery in the ledger, by result_id, following {@code next_page_token}.
   *
   * @param callTimeout deadline of each page request
   * @throws io.grpc.StatusRuntimeException if a call fails (e.g. UNAVAILABLE, DEADLINE_EXCEEDED)
   */
  Map<String, Delivery> listAll(Duration callTimeout) {
    Map<String, Delivery> deliveries = new HashMap<>();
    String pageToken = "";
    for (int page = 0; page < MAX_PAGES; page++) {
      ListDeliveriesResponse response =
          stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
              .listDeliveries(
                  ListDeliveriesRequest.newBuilder()
                      .setPageSize(PAGE_SIZE)
                      .setPageToken(pageToken)
                      .build());
      response.getDeliveriesList().forEach(d -> deliveries.put(d.getResultId(), d));
      pageToken = response.getNextPageToken();
      if (pageToken.isEmpty()) {
        break;
      }
    }
    return deliveries;
  }

  /** Closes the channel (bounded: 5 s); keeps the interrupt status if interrupted. */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
