package io.posrelay.relay.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.admin.v1.auth.BearerToken;
import io.posrelay.relay.delivery.RecoveryRefusedException;
import io.posrelay.relay.delivery.UndeliveredResults;
import io.posrelay.runtime.tls.PemTls;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Finds a terminal's undelivered results in admin-api's ledger with {@code
 * DeliveryAdmin.ListDeliveries} (statuses FAILED and PENDING, the terminal's id), page after page,
 * on the asynchronous stub: no thread waits for an answer. Each page has its own deadline; at
 * most {@code maxPages} pages are read (the rest is left for the next session). The channel
 * reconnects by itself when admin-api comes back.
 *
 * <p>Every call carries the operator token, if one is configured ({@code authorization: Bearer
 * <token>}), over TLS trusting {@code --admin-tls-ca-file}, if one is configured.
 *
 * <p>A failed call completes the fetch with its {@link io.grpc.StatusRuntimeException} if the
 * status is {@linkplain #isRetriable retriable} (admin-api busy, unreachable or slow, or a reset
 * stream), otherwise with a {@link RecoveryRefusedException} whose cause is that status (e.g.
 * UNAUTHENTICATED: no token, or one admin-api does not accept).
 *
 * <p>Thread-safe.
 */
public final class GrpcUndeliveredResults implements UndeliveredResults, AutoCloseable {
  /** Results per page asked for; admin-api allows up to 1000. */
  static final int PAGE_SIZE = 500;

  private final ManagedChannel channel;
  private final DeliveryAdminGrpc.DeliveryAdminStub stub;
  private final Duration deadline;
  private final int maxPages;

  /**
   * @param channel a channel to admin-api; shut down by {@link #close()}
   * @param deadline the deadline of each page's call, > 0
   * @param maxPages most pages read per fetch, >= 1
   */
  public GrpcUndeliveredResults(ManagedChannel channel, Duration deadline, int maxPages) {
    this(channel, "", deadline, maxPages);
  }

  /**
   * @param channel a channel to admin-api; shut down by {@link #close()}
   * @param token the operator token every call carries; "" = none
   * @param deadline the deadline of each page's call, > 0
   * @param maxPages most pages read per fetch, >= 1
   */
  public GrpcUndeliveredResults(ManagedChannel channel, String token, Duration deadline,
      int maxPages) {
    this.channel = channel;
    DeliveryAdminGrpc.DeliveryAdminStub plain = DeliveryAdminGrpc.newStub(channel);
    this.stub = token.isEmpty() ? plain : plain.withInterceptors(BearerToken.attach(token));
    this.deadline = deadline;
    this.maxPages = maxPages;
  }

  /**
   * Creates a plaintext channel to admin-api, without a token. Connecting happens on the first
   * call, so this succeeds even while admin-api is down.
   *
   * @param target admin-api's gRPC address, {@code host:port}
   * @param deadline the deadline of each page's call, > 0
   * @param maxPages most pages read per fetch, >= 1
   * @return the client
   */
  public static GrpcUndeliveredResults create(String target, Duration deadline, int maxPages) {
    return create(target, "", null, deadline, maxPages);
  }

  /**
   * Creates a channel to admin-api: TLS (1.2 or 1.3) trusting {@code tlsCaFile} if it is given,
   * plaintext otherwise. Connecting happens on the first call, so this succeeds even while
   * admin-api is down.
   *
   * @param target admin-api's gRPC address, {@code host:port}; with TLS, admin-api's certificate
   *     must name this host
   * @param token the operator token every call carries (from admin.token-file or admin.token); "" = none
   * @param tlsCaFile PEM certificates of the CAs to trust; null = plaintext
   * @param deadline the deadline of each page's call, > 0
   * @param maxPages most pages read per fetch, >= 1
   * @return the client
   * @throws IllegalArgumentException starting with {@code admin.tls-ca-file:} if the file cannot
   *     be read or holds no PEM certificate
   */
  public static GrpcUndeliveredResults create(String target, String token,
      @Nullable Path tlsCaFile, Duration deadline, int maxPages) {
    return create(target, token, tlsCaFile, deadline, maxPages, null);
  }

  /**
   * As {@link #create(String, String, Path, Duration, int)}, with {@code meters} on the channel.
   *
   * @param meters counts and times every call ({@code RelayMeters#recoveryClientInterceptor});
   *     null = none
   * @throws IllegalArgumentException as {@link #create(String, String, Path, Duration, int)}
   */
  public static GrpcUndeliveredResults create(String target, String token,
      @Nullable Path tlsCaFile, Duration deadline, int maxPages,
      @Nullable ClientInterceptor meters) {
    ChannelCredentials credentials;
    if (tlsCaFile == null) {
      credentials = InsecureChannelCredentials.create();
    } else {
      PemTls.certificates(tlsCaFile, "admin.tls-ca-file"); // a clear error before grpc's own
      try {
        credentials = TlsChannelCredentials.newBuilder().trustManager(tlsCaFile.toFile()).build();
      } catch (IOException e) {
        throw new IllegalArgumentException("admin.tls-ca-file: " + tlsCaFile + ": cannot read it ("
            + e.getClass().getSimpleName() + ")", e);
      }
    }
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target, credentials);
    if (meters != null) {
      builder.intercept(meters);
    }
    return new GrpcUndeliveredResults(builder.build(), token, deadline, maxPages);
  }

  /**
   * A client for status inquiries over this one's channel: same admin-api, TLS, operator token
   * and client meters. It does not own the channel; {@link #close()} ends both.
   *
   * @param deadline the deadline of each inquiry's call, > 0
   * @return the inquiry client
   */
  public GrpcLedgerLookup ledgerLookup(Duration deadline) {
    return new GrpcLedgerLookup(stub, deadline);
  }

  @Override
  public CompletionStage<List<Delivery>> fetch(String terminalId) {
    CompletableFuture<List<Delivery>> done = new CompletableFuture<>();
    ListDeliveriesRequest first =
        ListDeliveriesRequest.newBuilder()
            .setTerminalId(terminalId)
            .addStatuses(DeliveryStatus.DELIVERY_STATUS_FAILED)
            .addStatuses(DeliveryStatus.DELIVERY_STATUS_PENDING)
            .setPageSize(PAGE_SIZE)
            .build();
    page(first, 1, new ArrayList<>(), done);
    return done;
  }

  private void page(ListDeliveriesRequest request, int pageNumber, List<Delivery> found,
      CompletableFuture<List<Delivery>> done) {
    try {
      stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
          .listDeliveries(request, new StreamObserver<>() {
            private boolean answered;

            @Override
            public void onNext(ListDeliveriesResponse response) {
              answered = true;
              found.addAll(response.getDeliveriesList());
              String next = response.getNextPageToken();
              if (next.isEmpty() || pageNumber >= maxPages) {
                done.complete(found);
              } else {
                page(request.toBuilder().setPageToken(next).build(), pageNumber + 1, found, done);
              }
            }

            @Override
            public void onError(Throwable t) {
              Status status = Status.fromThrowable(t);
              done.completeExceptionally(isRetriable(status.getCode())
                  ? status.asRuntimeException()
                  : new RecoveryRefusedException("ListDeliveries for terminal_id "
                      + request.getTerminalId() + " failed", status.asRuntimeException()));
            }

            @Override
            public void onCompleted() {
              if (!answered) {
                done.completeExceptionally(
                    Status.INTERNAL.withDescription("no ListDeliveries response")
                        .asRuntimeException());
              }
            }
          });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  /**
   * Whether asking again may succeed: RESOURCE_EXHAUSTED and UNAVAILABLE (admin-api busy or
   * down), DEADLINE_EXCEEDED, and INTERNAL (a stream reset under load). Any other status
   * (INVALID_ARGUMENT, PERMISSION_DENIED, UNIMPLEMENTED…) would fail again the same way.
   *
   * @param code the call's status code
   * @return {@code true} if the caller should retry with backoff
   */
  public static boolean isRetriable(Status.Code code) {
    return switch (code) {
      case RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL -> true;
      default -> false;
    };
  }

  /** Shuts the channel down, waiting at most 2 seconds for calls in progress. */
  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
