package io.posrelay.admin.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.posrelay.admin.ledger.TerminalOwner;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.auth.BearerToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The other admin-api instances of the same Kafka Streams application that hold ledger
 * partitions, as asynchronous gRPC stubs that ask for local-only answers ({@link LocalOnly}) and,
 * when operator tokens are on, carry this instance's current token ({@code authorization: Bearer
 * …}); and which instance holds a given terminal's partition ({@link #ownerOfTerminal}), so that a
 * one-terminal listing asks that instance only. One channel per peer address — TLS when this
 * instance's listener is TLS (all instances of one application are configured alike), plaintext
 * otherwise — kept until {@link #close}. Thread-safe.
 */
public final class Peers implements AutoCloseable {
  /** No peers: a single instance. */
  public static final Peers NONE = new Peers(List::of);

  private final Supplier<List<String>> addresses;
  private final Function<String, TerminalOwner> owners;
  private final Function<String, ManagedChannel> connect;
  private final ClientInterceptor headers;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  /**
   * Peers reached over plaintext gRPC without a token.
   *
   * @param addresses the {@code host:port} of every other instance holding ledger partitions now
   *     (Kafka Streams' {@code application.server} of each)
   */
  public Peers(Supplier<List<String>> addresses) {
    this(addresses, InsecureChannelCredentials.create(), null);
  }

  /**
   * Peers reached over the network.
   *
   * @param addresses as above; with TLS, each peer's certificate must name its host
   * @param credentials plaintext, or TLS trusting the peers' certificates: {@link #credentials}
   * @param token the operator token to send; null = none (tokens off)
   */
  public Peers(Supplier<List<String>> addresses, ChannelCredentials credentials,
      @Nullable String token) {
    this(addresses, connect(credentials), token);
  }

  /**
   * How to open a channel to a peer over the network.
   *
   * @param credentials plaintext, or TLS trusting the peers' certificates: {@link #credentials}
   * @return a function from {@code host:port} to a new channel
   */
  public static Function<String, ManagedChannel> connect(ChannelCredentials credentials) {
    return address -> NettyChannelBuilder.forTarget(address, credentials).build();
  }

  /**
   * How the fan-out reaches its peers: over TLS when this instance's listener is TLS, trusting
   * the CAs of {@code caFile} or else the JVM's default trust store; plaintext otherwise.
   * grpc-java's own {@link TlsChannelCredentials} reads the file.
   *
   * @param tls whether this instance's listener is TLS
   * @param caFile PEM CA certificates to trust; null = the JVM's default trust store
   * @param caKey the config key that named {@code caFile}, for the message
   * @throws IllegalArgumentException naming {@code caKey} if the file cannot be read or holds no
   *     certificate
   */
  public static ChannelCredentials credentials(boolean tls, @Nullable Path caFile, String caKey) {
    if (!tls) {
      return InsecureChannelCredentials.create();
    }
    if (caFile == null) {
      return TlsChannelCredentials.create();
    }
    try {
      return TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(caKey + ": " + caFile + " (expected: PEM certificates,"
          + " -----BEGIN CERTIFICATE-----; " + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * @param addresses as above
   * @param connect opens a channel to an address (tests: an in-process channel)
   * @param token the operator token to send; null = none
   */
  public Peers(Supplier<List<String>> addresses, Function<String, ManagedChannel> connect,
      @Nullable String token) {
    this(addresses, terminalId -> TerminalOwner.UNKNOWN, connect, token);
  }

  /**
   * Peers that know which instance holds each terminal's partition.
   *
   * @param addresses as above
   * @param owners which instance holds a terminal's partition now ({@link
   *     io.posrelay.admin.ledger.LedgerStreams#ownerOfTerminal}); must not block. {@link
   *     TerminalOwner#UNKNOWN} makes a one-terminal listing ask every instance
   * @param connect opens a channel to an address: {@link #connect(ChannelCredentials)}, or an
   *     in-process channel in tests
   * @param token the operator token to send; null = none
   */
  public Peers(Supplier<List<String>> addresses, Function<String, TerminalOwner> owners,
      Function<String, ManagedChannel> connect, @Nullable String token) {
    this.addresses = addresses;
    this.owners = owners;
    this.connect = connect;
    Metadata headers = LocalOnly.headers();
    if (token != null) {
      headers.merge(BearerToken.headers(token));
    }
    this.headers = MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  /** As {@link #Peers(Supplier, Function, String)} without a token. */
  public Peers(Supplier<List<String>> addresses, Function<String, ManagedChannel> connect) {
    this(addresses, connect, null);
  }

  /** Asynchronous stubs for the peers now; empty for a single instance. */
  List<DeliveryAdminGrpc.DeliveryAdminStub> stubs() {
    return addresses.get().stream().map(this::stub).toList();
  }

  /** An asynchronous stub for the peer at {@code address} ({@code host:port}). */
  DeliveryAdminGrpc.DeliveryAdminStub stub(String address) {
    return DeliveryAdminGrpc.newStub(channel(address)).withInterceptors(headers);
  }

  /** Which instance holds {@code terminalId}'s ledger partition now; never blocks. */
  TerminalOwner ownerOfTerminal(String terminalId) {
    return owners.apply(terminalId);
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
