package io.posrelay.admin.grpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The other admin-api instances of the same Kafka Streams application that hold ledger
 * partitions, as gRPC stubs that ask for local-only answers ({@link LocalOnly}). One plaintext
 * channel per peer address, kept until {@link #close}. Thread-safe.
 */
public final class Peers implements AutoCloseable {
  /** No peers: a single instance. */
  public static final Peers NONE = new Peers(List::of);

  private final Supplier<List<String>> addresses;
  private final Function<String, ManagedChannel> connect;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  /**
   * Peers reached over plaintext gRPC.
   *
   * @param addresses the {@code host:port} of every other instance holding ledger partitions now
   *     (Kafka Streams' {@code application.server} of each)
   */
  public Peers(Supplier<List<String>> addresses) {
    this(addresses, address -> ManagedChannelBuilder.forTarget(address).usePlaintext().build());
  }

  /**
   * @param addresses as above
   * @param connect opens a channel to an address (tests: an in-process channel)
   */
  public Peers(Supplier<List<String>> addresses, Function<String, ManagedChannel> connect) {
    this.addresses = addresses;
    this.connect = connect;
  }

  /** Stubs for the peers now; empty for a single instance. */
  List<DeliveryAdminGrpc.DeliveryAdminBlockingStub> stubs() {
    return addresses.get().stream()
        .map(address -> DeliveryAdminGrpc.newBlockingStub(channel(address))
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(LocalOnly.headers())))
        .toList();
  }

  private ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address, connect);
  }

  /** Closes every peer channel. */
  @Override
  public void close() {
    for (ManagedChannel channel : channels.values()) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
