package io.posrelay.admin.grpc;

import static io.posrelay.admin.ledger.TestEvents.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.grpc.TlsChannelCredentials;
import io.posrelay.admin.auth.OperatorAuthInterceptor;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.ledger.LedgerDriver;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.v1.auth.BearerToken;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.testkit.secure.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.posrelay.v1.kafka.Topics;
import org.apache.kafka.clients.producer.MockProducer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two admin-api "instances" on 127.0.0.1 sockets, each a TLS listener that needs an operator
 * token, each over its own ledger partition: the fan-out between them goes over TLS, trusting the
 * peer CA, and carries the current token.
 */
class SecurePeersTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String TOKEN = "peer-test-operator-token-0123456789abcdef";
  private static final String PREVIOUS = "peer-test-previous-token-0123456789abcdef";

  @TempDir Path dir;
  private TestCertificates certs;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<Server> servers = new ArrayList<>();
  private final List<Peers> peers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private LedgerDriver partitionA;
  private LedgerDriver partitionB;

  @BeforeEach
  void setUp() throws Exception {
    certs = TestCertificates.create(dir.resolve("pki"));
    partitionA = new LedgerDriver(dir.resolve("a"), T0);
    partitionB = new LedgerDriver(dir.resolve("b"), T0);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    peers.forEach(Peers::close);
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    executor.shutdownNow();
    partitionA.close();
    partitionB.close();
  }

  /** Starts A and B, each B's and A's peer; returns a token-carrying TLS stub of A. */
  private DeliveryAdminGrpc.DeliveryAdminBlockingStub startPair(@Nullable String peerToken)
      throws Exception {
    RotatingSecrets tokens =
        RotatingSecrets.of(RotatingSecrets.Rule.BEARER_TOKEN, TOKEN, PREVIOUS);
    AtomicInteger portA = new AtomicInteger();
    AtomicInteger portB = new AtomicInteger();
    portA.set(start(partitionA, tokens, portB, peerToken));
    portB.set(start(partitionB, tokens, portA, peerToken));
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", portA.get(),
        TlsChannelCredentials.newBuilder().trustManager(certs.caFile().toFile()).build()).build();
    channels.add(channel);
    return DeliveryAdminGrpc.newBlockingStub(channel)
        .withInterceptors(BearerToken.attach(PREVIOUS), new PerCallDeadline(10));
  }

  private int start(LedgerDriver ledger, RotatingSecrets tokens, AtomicInteger peerPort,
      @Nullable String peerToken) throws Exception {
    Peers p = new Peers(() -> List.of("127.0.0.1:" + peerPort.get()),
        Peers.credentials(true, certs.caFile(), "peer-tls-ca-file"), peerToken);
    peers.add(p);
    DeliveryAdminService service = new DeliveryAdminService(ledger.queries, p,
        new ResultRepublisher(new MockProducer<>(), Topics.RESULTS), new EventFanout(10, 10),
        Clock.systemUTC());
    Server server = GrpcListener.build(new InetSocketAddress("127.0.0.1", 0),
        GrpcListener.credentials(certs.certFile(), certs.keyFile()), executor, service,
        new HealthStatusManager(),
        new OperatorAuthInterceptor(tokens, false, new SimpleMeterRegistry())).start();
    servers.add(server);
    return server.getPort();
  }

  @Test
  void fanOut_overTls_withTheCurrentToken_findsWhatThePeerHolds() throws Exception {
    DeliveryAdminGrpc.DeliveryAdminBlockingStub instanceA = startPair(TOKEN);
    partitionA.result(result("a1", "TA", T0));
    partitionB.result(result("b1", "TB", T0.plusSeconds(1)));

    Delivery d = instanceA.getDelivery(GetDeliveryRequest.newBuilder().setResultId("b1").build());

    assertThat(d.getTerminalId()).isEqualTo("TB");
    assertThat(instanceA.listDeliveries(ListDeliveriesRequest.getDefaultInstance())
        .getDeliveriesList()).extracting(Delivery::getResultId).containsExactly("b1", "a1");
  }

  @Test
  void fanOut_withoutAToken_isRejectedByThePeer_andTheQueryIsUnavailable() throws Exception {
    DeliveryAdminGrpc.DeliveryAdminBlockingStub instanceA = startPair(null);
    partitionA.result(result("a1", "TA", T0));

    assertThatThrownBy(() -> instanceA.listDeliveries(ListDeliveriesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).contains("UNAUTHENTICATED");
        });
  }
}
