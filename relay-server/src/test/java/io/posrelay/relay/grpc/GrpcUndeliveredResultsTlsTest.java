package io.posrelay.relay.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.relay.delivery.RecoveryRefusedException;
import io.posrelay.testkit.secure.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery client against a DeliveryAdmin on a TLS socket on 127.0.0.1 that wants an operator
 * token, as admin-api does.
 */
class GrpcUndeliveredResultsTlsTest {
  private static final String TOKEN = "relay-recovery-operator-token-0123456789";

  @TempDir Path dir;
  private TestCertificates certs;
  private Server server;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private @Nullable GrpcUndeliveredResults client;

  private final DeliveryAdminGrpc.DeliveryAdminImplBase ledger =
      new DeliveryAdminGrpc.DeliveryAdminImplBase() {
        @Override
        public void listDeliveries(ListDeliveriesRequest request,
            StreamObserver<ListDeliveriesResponse> response) {
          response.onNext(ListDeliveriesResponse.newBuilder()
              .addDeliveries(Delivery.newBuilder().setResultId("r-" + request.getTerminalId()))
              .build());
          response.onCompleted();
        }
      };

  /** Records the authorization header; lets only "Bearer TOKEN" through. */
  private final ServerInterceptor auth = new ServerInterceptor() {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      String value =
          headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
      authorizations.add(String.valueOf(value));
      if (!("Bearer " + TOKEN).equals(value)) {
        call.close(Status.UNAUTHENTICATED.withDescription("missing operator token"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  };

  @BeforeEach
  void setUp() throws Exception {
    certs = TestCertificates.create(dir.resolve("pki"));
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .useTransportSecurity(certs.certFile().toFile(), certs.keyFile().toFile())
        .addService(ServerInterceptors.intercept(ledger, auth))
        .build()
        .start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private GrpcUndeliveredResults client(String token, Path caFile) {
    client = GrpcUndeliveredResults.create("127.0.0.1:" + server.getPort(), token, caFile,
        Duration.ofSeconds(5), 20);
    return client;
  }

  @Test
  void fetch_overTlsTrustingTheCa_carriesTheToken() throws Exception {
    List<Delivery> found = client(TOKEN, certs.caFile()).fetch("T-1").toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    assertThat(found).extracting(Delivery::getResultId).containsExactly("r-T-1");
    assertThat(authorizations).containsExactly("Bearer " + TOKEN);
  }

  @Test
  void fetch_withoutTheToken_isRefused_notRetried() {
    assertThatThrownBy(() -> client("", certs.caFile()).fetch("T-1").toCompletableFuture()
        .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(RecoveryRefusedException.class)
        .cause().isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void fetch_trustingAnotherCa_failsRetriably() throws Exception {
    TestCertificates other = TestCertificates.create(dir.resolve("other"));

    assertThatThrownBy(() -> client(TOKEN, other.caFile()).fetch("T-1").toCompletableFuture()
        .get(10, TimeUnit.SECONDS))
        .cause().isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(authorizations).isEmpty();
  }

  @Test
  void create_withAFileThatIsNoCertificate_failsNamingTheFlag() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");

    assertThatThrownBy(() -> client(TOKEN, garbage))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("admin.tls-ca-file: " + garbage);
  }
}
