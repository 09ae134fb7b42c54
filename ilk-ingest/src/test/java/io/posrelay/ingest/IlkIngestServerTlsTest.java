package io.posrelay.ingest;

import io.posrelay.ilk.v1.IlkSignatures;
import static io.posrelay.ingest.signature.CallbackSignatureVerifierTest.CURRENT;
import static io.posrelay.ingest.http.ResultsHandlerTest.VALID;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.ingest.http.EmbeddedIngest;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.posrelay.testkit.secure.TestCertificates;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.ProtobufSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook over real HTTPS, with java.net.http.HttpClient trusting only the test CA. */
class IlkIngestServerTlsTest {

  @TempDir static Path dir;
  static TestCertificates certs;

  private final FakeKafka kafka = FakeKafka.acking();
  private IlkIngestServer server;

  @BeforeAll
  static void certificates() throws Exception {
    certs = TestCertificates.create(dir);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  /** The configuration with {@code cert} and {@code key} as the listener's TLS files. */
  private static ServiceConfig.Builder tls(Path cert, Path key) {
    return IlkIngestServerTest.localConfig().set(ListenerKeys.TLS_CERT_FILE, Optional.of(cert))
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(key));
  }

  private IlkIngestServer start(ServiceConfig.Builder config) throws Exception {
    server = IlkIngestServer.start(config.build(), kafka);
    return server;
  }

  private HttpClient httpsClient() throws Exception {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(certs.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private HttpRequest.Builder post(String scheme, String host, String body) {
    return HttpRequest.newBuilder(
            URI.create(scheme + "://" + host + ":" + server.port() + "/ilk/v1/results"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  @Test
  void httpsClientTrustingTheCa_isAnswered202_byIpAndByName() throws Exception {
    start(tls(certs.certFile(), certs.keyFile()));
    HttpClient client = httpsClient();

    for (String host : new String[] {"127.0.0.1", "localhost"}) {
      HttpResponse<String> response =
          client.send(post("https", host, VALID).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(host).isEqualTo(202);
      assertThat(response.sslSession()).get()
          .satisfies(s -> assertThat(s.getProtocol()).isIn("TLSv1.3", "TLSv1.2"));
    }
    assertThat(kafka.producer.history()).hasSize(2);
    assertThat(server.readyLine()).contains("POST https://127.0.0.1:" + server.port());
  }

  @Test
  void signedCallbackOverHttps_isAccepted_unsignedIs401() throws Exception {
    start(tls(certs.certFile(), certs.keyFile())
        .set(IngestKeys.ILK_SECRETS, Optional.of(CURRENT)));
    HttpClient client = httpsClient();
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    String signature = IlkSignatures.sign(CURRENT.getBytes(UTF_8), timestamp, VALID.getBytes(UTF_8));

    HttpResponse<String> signed = client.send(post("https", "127.0.0.1", VALID)
        .header(IlkSignatures.TIMESTAMP_HEADER, timestamp)
        .header(IlkSignatures.SIGNATURE_HEADER, signature).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unsigned = client.send(post("https", "127.0.0.1", VALID).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(signed.statusCode()).isEqualTo(202);
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.headers().firstValue("WWW-Authenticate")).hasValue("ILK-HMAC-SHA256");
    assertThat(kafka.producer.history()).hasSize(1);
  }

  @Test
  void clientNotTrustingTheCa_failsTheHandshake() throws Exception {
    start(tls(certs.certFile(), certs.keyFile()));
    HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    assertThatThrownBy(() -> defaultTrust.send(post("https", "127.0.0.1", VALID).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    assertThat(kafka.producer.history()).isEmpty();
  }

  @Test
  void plainHttpToTheTlsPort_isNotServed() throws Exception {
    start(tls(certs.certFile(), certs.keyFile()));

    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(EmbeddedIngest.postJson(VALID).getBytes(UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = in.readNBytes(5);
      // Whatever comes back (a TLS alert or nothing) is no HTTP answer.
      assertThat(new String(answer, UTF_8)).doesNotStartWith("HTTP/");
    } catch (IOException e) {
      // connection reset: also fine
    }
    assertThat(kafka.producer.history()).isEmpty();
  }

  @Test
  void tls11Client_isRefused() throws Exception {
    start(tls(certs.certFile(), certs.keyFile()));

    try (SSLSocket socket = (SSLSocket) certs.clientContext().getSocketFactory()
        .createSocket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      SSLParameters params = socket.getSSLParameters();
      params.setProtocols(new String[] {"TLSv1.1"});
      socket.setSSLParameters(params);
      assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);
    }
  }

  @Test
  void certWithoutKey_isAConfigError() {
    assertThatThrownBy(() -> IlkIngestServerTest.localConfig()
        .set(ListenerKeys.TLS_CERT_FILE, Optional.of(certs.certFile())).build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("tls-key-file: (empty) (expected: set together with tls-cert-file),"
            + " from default");
    assertThatThrownBy(() -> IlkIngestServerTest.localConfig()
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(certs.keyFile())).build())
        .hasMessage("tls-cert-file: (empty) (expected: set together with tls-key-file),"
            + " from default");
  }

  @Test
  void keyOfAnotherCertificate_isAConfigError_namingTheKeyFile() throws Exception {
    Path otherDir = Files.createDirectories(dir.resolve("other"));
    TestCertificates other = TestCertificates.create(otherDir);

    assertThatThrownBy(() -> tls(certs.certFile(), other.keyFile()).build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("tls-key-file: " + other.keyFile())
        .hasMessageContaining("the private key of the first certificate");
  }

  @Test
  void unreadableOrNonPemFiles_areConfigErrors_withoutKeyMaterial() throws Exception {
    Path missing = dir.resolve("missing.pem");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem file");
    Path pkcs1 = Files.writeString(dir.resolve("rsa.key"),
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> tls(missing, certs.keyFile()).build())
        .hasMessage("tls-cert-file: " + missing + ": cannot read it (NoSuchFileException)");
    assertThatThrownBy(() -> tls(garbage, certs.keyFile()).build())
        .hasMessageStartingWith("tls-cert-file: " + garbage + " (expected: PEM certificates");
    assertThatThrownBy(() -> tls(certs.certFile(), pkcs1).build())
        .hasMessage("tls-key-file: " + pkcs1 + " (expected: an unencrypted PEM PKCS#8 key, "
            + "-----BEGIN PRIVATE KEY-----)");
  }
}
