package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.posrelay.admin.AdminKeys;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.relay.RelayKeys;
import io.posrelay.relay.RelayServer;
import io.posrelay.relay.RelayServerCommand;
import io.posrelay.runtime.ServiceLauncher;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.testkit.kafka.EmbeddedKafka;
import io.posrelay.testkit.kafka.KafkaTopics;
import io.posrelay.testkit.secure.SecureMaterial;
import io.posrelay.v1.PaymentResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The whole path against a Kafka that takes SASL_SSL only (SCRAM-SHA-512 over TLS, as most
 * managed Kafka services run, and as {@code bin/relayctl local --secure} runs it): every service
 * reaches it through {@code kafka.*} pass-through settings alone, a plaintext client and a wrong
 * password are refused, and a service given a wrong password says so in one line and exits.
 */
class SaslSslKafkaTest {
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static SecureMaterial secure;
  private static final List<AutoCloseable> started = new ArrayList<>();

  @BeforeAll
  static void startSecureBroker() throws Exception {
    secure = SecureMaterial.createOrReuse(dir.resolve("secure"));
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), LocalPorts.pickFree(), LocalPorts.pickFree(),
        2, secure.kafkaSecurity());
    KafkaTopics.awaitReady(kafka.bootstrapServers(), secure.kafkaClientProperties(),
        Duration.ofSeconds(60));
    KafkaTopics.create(kafka.bootstrapServers(), secure.kafkaClientProperties(), 2,
        Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() throws Exception {
    List<AutoCloseable> reversed = new ArrayList<>(started);
    java.util.Collections.reverse(reversed);
    PosRelayStack.closeAll(reversed);
    kafka.close();
  }

  /** The pass-through keys of the secure directory's client file, as a service reads them. */
  private static Map<String, String> passThrough() throws Exception {
    Map<String, String> keys = new HashMap<>();
    secure.kafkaClientProperties().forEach((k, v) -> keys.put("kafka." + k, v));
    return keys;
  }

  @Test
  @Timeout(180)
  void resultGoesThroughEveryService_andTheLedger_overSaslSsl() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    AdminServer admin = AdminServer.start(ServiceConfig.builder(AdminKeys.SPEC)
        .set(KafkaKeys.BOOTSTRAP_SERVERS, bootstrap).set(ListenerKeys.HOST, "127.0.0.1")
        .set(AdminKeys.PORT, 0).set(AdminKeys.MANAGEMENT_PORT, 0)
        .set(AdminKeys.APPLICATION_ID, "it-sasl-admin")
        .set(AdminKeys.STATE_DIR, dir.resolve("admin-state"))
        .set(AdminKeys.COMMIT_INTERVAL, Duration.ofMillis(100))
        .setAll(passThrough()).build());
    started.add(admin);
    assertThat(admin.awaitRunning(Duration.ofSeconds(90))).as("ledger RUNNING").isTrue();
    RelayServer relay = RelayServer.start(ServiceConfig.builder(RelayKeys.SPEC)
        .set(KafkaKeys.BOOTSTRAP_SERVERS, bootstrap).set(ListenerKeys.HOST, "127.0.0.1")
        .set(RelayKeys.NODE_ID, "it-sasl-relay").set(RelayKeys.PORT, 0)
        .set(RelayKeys.MANAGEMENT_PORT, 0).set(RelayKeys.ADMIN_ADDRESS, "127.0.0.1:" + admin.port())
        .setAll(passThrough()).build());
    started.add(relay);
    IlkIngestServer ingest = IlkIngestServer.start(ServiceConfig.builder(IngestKeys.SPEC)
        .set(KafkaKeys.BOOTSTRAP_SERVERS, bootstrap).set(ListenerKeys.HOST, "127.0.0.1")
        .set(IngestKeys.PORT, 0).set(IngestKeys.MANAGEMENT_PORT, 0)
        .setAll(passThrough()).build());
    started.add(ingest);

    try (TestTerminal terminal = TestTerminal.connect(relay.port(), "SASL-T1")) {
      String tx = Webhook.newTransactionId();
      HttpResponse<String> response = new Webhook(ingest.port())
          .post(Webhook.approval(tx, "SASL-T1", 15_000));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

      await().atMost(Duration.ofSeconds(30)).until(() -> !terminal.results().isEmpty());
      PaymentResult delivered = terminal.results().get(0);
      assertThat(delivered.getTransactionId()).isEqualTo(tx);

      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", admin.port()).usePlaintext().build();
      try {
        DeliveryAdminGrpc.DeliveryAdminBlockingStub stub = DeliveryAdminGrpc.newBlockingStub(channel);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          List<Delivery> deliveries = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
              .listDeliveries(ListDeliveriesRequest.newBuilder().setTerminalId("SASL-T1").build())
              .getDeliveriesList();
          assertThat(deliveries).singleElement().satisfies(d -> {
            assertThat(d.getResultId()).isEqualTo(delivered.getResultId());
            assertThat(d.getStatus()).isEqualTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
          });
        });
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void plaintextClient_andWrongPassword_areRefused() throws Exception {
    Map<String, Object> plain = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 6_000);
    try (Admin admin = Admin.create(plain)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
    Map<String, Object> wrong = new HashMap<>(plain);
    wrong.putAll(secure.kafkaClientProperties());
    wrong.put("sasl.jaas.config", EmbeddedKafka.SaslSsl.jaas(SecureMaterial.KAFKA_CLIENT_USER,
        "not-the-password"));
    try (Admin admin = Admin.create(wrong)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  @Timeout(60)
  void serviceWithAWrongPassword_exits1_withOneLineNamingTheSaslFailure() throws Exception {
    Path config = dir.resolve("wrong-password.properties");
    StringBuilder text = new StringBuilder();
    passThrough().forEach((k, v) -> text.append(k).append('=').append(k.equals(
        "kafka.sasl.jaas.config") ? EmbeddedKafka.SaslSsl.jaas(SecureMaterial.KAFKA_CLIENT_USER,
        "not-the-password") : v).append('\n'));
    Files.writeString(config, text, StandardCharsets.UTF_8);
    Logger launcherLog = (Logger) LoggerFactory.getLogger(ServiceLauncher.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    launcherLog.addAppender(lines);
    StringWriter err = new StringWriter();
    int exit;
    long startedAt = System.nanoTime();
    try {
      exit = RelayServerCommand.command(Map.of()).setErr(new PrintWriter(err, true)).execute(
          "--kafka", kafka.bootstrapServers(), "--host", "127.0.0.1", "--port", "0",
          "--management-port", "0", "--admin-address", "", "--config", config.toString());
    } finally {
      launcherLog.detachAppender(lines);
    }
    System.out.printf("SASL wrong password: relay-server exited %d after %d ms%n", exit,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));

    assertThat(exit).isEqualTo(1);
    assertThat(lines.list).singleElement().satisfies(line -> {
      assertThat(line.getLevel()).isEqualTo(Level.ERROR);
      assertThat(line.getFormattedMessage()).contains("relay-server cannot start: Kafka refused it",
          "SaslAuthenticationException", "SCRAM-SHA-512").doesNotContain("not-the-password");
      assertThat(line.getThrowableProxy()).as("no stack trace").isNull();
    });
  }
}
