package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.runtime.tls.PemTls;
import io.posrelay.testkit.ilk.AcceptedResult;
import io.posrelay.testkit.ilk.IlkSimStats;
import io.posrelay.testkit.ilk.IlkSimulator;
import io.posrelay.testkit.ilk.IlkSimulatorConfig;
import io.posrelay.testkit.secure.SecureMaterial;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * ilk-ingest with signatures checked and HTTPS on, against a real broker: {@code relayctl ilk-sim}
 * signing over TLS (with the previous secret, as during a rotation) gets every callback stored;
 * an unsigned one and a plain-HTTP client get nothing stored.
 */
@ExtendWith(SharedKafka.class)
class SignedHttpsWebhookTest {
  private static final String CURRENT = "current-ilk-secret-0123456789abcdef";
  private static final String PREVIOUS = "previous-ilk-secret-0123456789abcdef";

  @TempDir static Path dir;
  private static KafkaCluster kafka;
  private static IlkIngestServer ingest;
  private static Path caFile;
  private static SSLContext trustingTheCa;

  @BeforeAll
  static void start(KafkaCluster cluster) throws Exception {
    kafka = cluster;
    SecureMaterial secure = SecureMaterial.createOrReuse(dir.resolve("secure"));
    caFile = secure.caCertFile();
    trustingTheCa = PemTls.jdkClient(caFile, "ca-file");
    ingest = IlkIngestServer.start(TestConfigs.ingest(cluster.bootstrapServers())
        .set(IngestKeys.ILK_SECRETS, Optional.of(CURRENT + "," + PREVIOUS))
        .set(ListenerKeys.TLS_CERT_FILE, Optional.of(secure.serverCertFile()))
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(secure.serverKeyFile()))
        .build());
  }

  @AfterAll
  static void stop() {
    ingest.close();
  }

  private static URI webhook(String scheme) {
    return URI.create(scheme + "://127.0.0.1:" + ingest.port() + "/ilk/v1/results");
  }

  @Test
  void ilkSim_signingWithThePreviousSecretOverHttps_getsEveryCallbackStored() throws Exception {
    List<AcceptedResult> accepted = new CopyOnWriteArrayList<>();
    IlkSimulatorConfig config = IlkSimulatorConfig.builder()
        .url(webhook("https")).tlsCaFile(caFile).signingSecrets(
            RotatingSecrets.of(RotatingSecrets.Rule.HMAC_SECRET, PREVIOUS))
        .terminalPrefix("TLS").ratePerSecond(50).count(5).runId("signed-https").build();

    IlkSimStats stats = new IlkSimulator(config, accepted::add).run();

    assertThat(stats.summary()).isEqualTo("sent=5 published(202)=5 rejected={} errors=0");
    Set<String> stored = storedTransactionIds();
    assertThat(accepted).extracting(a -> a.callback().transactionId())
        .hasSize(5).allSatisfy(tx -> assertThat(stored).contains(tx));
  }

  @Test
  void unsignedCallbackOverHttps_is401_andNotStored() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(trustingTheCa)
        .connectTimeout(Duration.ofSeconds(5)).build();
    String tx = Webhook.newTransactionId();

    HttpResponse<String> response = https.send(HttpRequest.newBuilder(webhook("https"))
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(Webhook.approval(tx, "TLS-U", 1))).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"error\":\"unauthenticated\"", "X-ILK-Signature");
    assertThat(storedTransactionIds()).doesNotContain(tx);
  }

  @Test
  void plainHttp_toTheHttpsListener_getsNoAnswer() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(webhook("http"))
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(15))
            .POST(HttpRequest.BodyPublishers.ofString(
                Webhook.approval(Webhook.newTransactionId(), "TLS-P", 1))).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  private static Set<String> storedTransactionIds() {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaConsumer<String, PaymentResult> consumer = new KafkaConsumer<>(
        config, new StringDeserializer(), EventSerdes.paymentResult().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.RESULTS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<String> ids = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read the results topic to its end");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> ids.add(r.value().getTransactionId()));
      }
      return Set.copyOf(ids);
    }
  }
}
