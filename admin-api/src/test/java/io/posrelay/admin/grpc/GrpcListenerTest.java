package io.posrelay.admin.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.admin.auth.OperatorAuthInterceptor;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.ledger.LedgerQueries;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.auth.BearerToken;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.testkit.secure.TestCertificates;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import io.posrelay.v1.kafka.Topics;
import org.apache.kafka.clients.producer.MockProducer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * admin-api's real gRPC listener over TLS on a 127.0.0.1 socket, with operator tokens, called by
 * grpc-java Netty clients that trust the test CA (or do not).
 */
class GrpcListenerTest {
  private static final String TOKEN = "listener-test-operator-token-0123456789";

  @TempDir Path dir;
  private TestCertificates certs;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final HealthStatusManager health = new HealthStatusManager();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Server server;

  @BeforeEach
  void setUp() throws Exception {
    certs = TestCertificates.create(dir.resolve("pki"));
    DeliveryAdminService service = new DeliveryAdminService(
        new LedgerQueries(List::of, terminalId -> -1), Peers.NONE,
        new ResultRepublisher(new MockProducer<>(), Topics.RESULTS), new EventFanout(10, 10),
        Clock.systemUTC());
    AdminServices.setServing(health, true);
    server = GrpcListener.build(new InetSocketAddress("127.0.0.1", 0),
        GrpcListener.credentials(certs.certFile(), certs.keyFile()), executor, service, health,
        new OperatorAuthInterceptor(RotatingSecrets.of(RotatingSecrets.Rule.BEARER_TOKEN, TOKEN),
            false, new SimpleMeterRegistry())).start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    executor.shutdownNow();
  }

  private ManagedChannel tlsChannel(ChannelCredentials credentials) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort(), credentials).build();
    channels.add(channel);
    return channel;
  }

  /** What a client such as relayctl uses: grpc-java's TLS trusting the CA file. */
  private static ChannelCredentials trusting(Path caFile) throws IOException {
    return TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
  }

  private ManagedChannel trustingChannel() throws IOException {
    return tlsChannel(trusting(certs.caFile()));
  }

  private static DeliveryAdminGrpc.DeliveryAdminBlockingStub admin(Channel channel) {
    return DeliveryAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void tlsClientTrustingTheCa_withTheToken_isServed_overTls12OrNewer() throws IOException {
    AtomicReference<SSLSession> session = new AtomicReference<>();

    admin(trustingChannel()).withInterceptors(BearerToken.attach(TOKEN), sessionOf(session))
        .getStats(GetStatsRequest.getDefaultInstance());

    assertThat(session.get()).isNotNull();
    assertThat(session.get().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
  }

  @Test
  void overTls_healthIsOpen_butDeliveryAdminNeedsTheToken() throws IOException {
    ManagedChannel channel = trustingChannel();

    assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertCode(() -> admin(channel).getStats(GetStatsRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
  }

  @Test
  void plaintextClient_andClientTrustingAnotherCa_cannotConnect() throws Exception {
    ManagedChannel plaintext =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    channels.add(plaintext);
    TestCertificates other = TestCertificates.create(dir.resolve("other"));

    assertCode(() -> admin(plaintext).withInterceptors(BearerToken.attach(TOKEN))
        .getStats(GetStatsRequest.getDefaultInstance()), Status.Code.UNAVAILABLE);
    ManagedChannel otherCa = tlsChannel(trusting(other.caFile()));
    assertCode(() -> admin(otherCa)
        .withInterceptors(BearerToken.attach(TOKEN))
        .getStats(GetStatsRequest.getDefaultInstance()), Status.Code.UNAVAILABLE);
  }

  @Test
  void requestLargerThan64KiB_isResourceExhausted() throws IOException {
    ListDeliveriesRequest huge = ListDeliveriesRequest.newBuilder()
        .setMerchantId("m".repeat(GrpcListener.MAX_INBOUND_MESSAGE_BYTES + 1)).build();

    assertCode(() -> admin(trustingChannel()).withInterceptors(BearerToken.attach(TOKEN))
        .listDeliveries(huge), Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void metadataLargerThan8KiB_isRefused_andTheConnectionServesTheNextCall() throws IOException {
    ManagedChannel channel = trustingChannel();
    Metadata big = new Metadata();
    big.put(Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER),
        "p".repeat(GrpcListener.MAX_INBOUND_METADATA_BYTES + 1));

    assertThatThrownBy(() -> admin(channel).withInterceptors(BearerToken.attach(TOKEN),
            MetadataUtils.newAttachHeadersInterceptor(big))
        .getStats(GetStatsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          // The listener advertises SETTINGS_MAX_HEADER_LIST_SIZE; grpc-java clients honour it.
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
          assertThat(e.getStatus().getCause()).hasMessageContaining(
              "max allowed size (" + GrpcListener.MAX_INBOUND_METADATA_BYTES + ")");
        });
    admin(channel).withInterceptors(BearerToken.attach(TOKEN))
        .getStats(GetStatsRequest.getDefaultInstance());
  }

  private static void assertCode(ThrowingCallable call, Status.Code code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }

  /** Records the TLS session of the call's connection once response headers arrive. */
  private static ClientInterceptor sessionOf(AtomicReference<SSLSession> session) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(
          MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(
                listener) {
              @Override
              public void onHeaders(Metadata responseHeaders) {
                session.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                super.onHeaders(responseHeaders);
              }
            }, headers);
          }
        };
      }
    };
  }
}
