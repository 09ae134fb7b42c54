package io.posrelay.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.ingest.IlkIngestConfig;
import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.ingest.IlkSecrets;
import io.posrelay.relayctl.AcceptedResult;
import io.posrelay.relayctl.IlkSimStats;
import io.posrelay.relayctl.IlkSimulator;
import io.posrelay.relayctl.IlkSimulatorConfig;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.Topics;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
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
    Path[] serverFiles = certificates(dir);
    ingest = IlkIngestServer.start(IlkIngestConfig.builder()
        .kafkaBootstrap(cluster.bootstrapServers()).host("127.0.0.1").port(0)
        .signingSecrets(IlkSecrets.of(CURRENT, PREVIOUS))
        .tls(serverFiles[0], serverFiles[1])
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
        .url(webhook("https")).tlsCaFile(caFile).signingSecrets(IlkSecrets.of(PREVIOUS))
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

  /**
   * A test CA ({@code caFile}, {@link #trustingTheCa}) and a server certificate for 127.0.0.1 it
   * signed; returns the PEM chain and PKCS#8 key files.
   */
  private static Path[] certificates(Path dir) throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair caKeys = ec.generateKeyPair();
    KeyPair serverKeys = ec.generateKeyPair();
    X500Name caName = new X500Name("CN=posrelay it CA");
    Date from = Date.from(Instant.now().minus(Duration.ofHours(1)));
    Date to = Date.from(Instant.now().plus(Duration.ofDays(1)));
    X509Certificate ca = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to,
        caName, caKeys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)), caKeys);
    X509Certificate server = sign(new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, from,
        to, new X500Name("CN=localhost"), serverKeys.getPublic())
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
            new GeneralName(GeneralName.dNSName, "localhost")})), caKeys);
    caFile = Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    trustingTheCa = SSLContext.getInstance("TLS");
    trustingTheCa.init(null, tmf.getTrustManagers(), null);
    return new Path[] {
        Files.writeString(dir.resolve("server.pem"),
            pem("CERTIFICATE", server.getEncoded()) + pem("CERTIFICATE", ca.getEncoded())),
        Files.writeString(dir.resolve("server.key"),
            pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()))};
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
