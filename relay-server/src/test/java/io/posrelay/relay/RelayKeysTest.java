package io.posrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The relay node's keys: defaults, ranges, secrets, and the command line derived from them. */
class RelayKeysTest {
  private static final String SECRET = "relay-config-test-secret-0123456789abc";
  private static final String TOKEN = "relay-admin-client-token-0123456789abc";

  @TempDir Path dir;

  private static ServiceConfig.Builder config() {
    return ServiceConfig.builder(RelayKeys.SPEC);
  }

  @Test
  void defaults_matchTheDocumentedOnes() {
    ServiceConfig config = config().build();
    assertThat(RelayKeys.nodeId(config)).startsWith("relay-").matches("[A-Za-z0-9_.-]{1,64}");
    assertThat(config.get(KafkaKeys.BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:9092");
    assertThat(config.get(RelayKeys.PORT)).isEqualTo(7001);
    assertThat(config.get(RelayKeys.MANAGEMENT_PORT)).isEqualTo(9101);
    assertThat(config.get(KafkaKeys.ACK_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.get(RelayKeys.HEARTBEAT_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.get(RelayKeys.MAX_FRAME_BYTES)).isEqualTo(16_384);
    assertThat(config.get(RelayKeys.MAX_CONNECTIONS)).isEqualTo(200_000);
    assertThat(KafkaKeys.topics(config).results()).isEqualTo("posrelay.results");
    assertThat(KafkaKeys.topics(config).claims()).isEqualTo("posrelay.claims");
    assertThat(KafkaKeys.topics(config).sessions()).isEqualTo("posrelay.sessions");
    assertThat(config.get(RelayKeys.ADMIN_ADDRESS)).isEqualTo("127.0.0.1:9090");
    assertThat(config.get(KafkaKeys.CLAIM_DEADLINE)).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.get(RelayKeys.MAX_CONCURRENT_RECOVERIES)).isEqualTo(16);
    assertThat(config.get(RelayKeys.MAX_IN_FLIGHT_PUBLISHES)).isEqualTo(20_000);
    assertThat(config.get(RelayKeys.WRITE_BUFFER_LOW_BYTES)).isEqualTo(32 * 1024);
    assertThat(config.get(RelayKeys.WRITE_BUFFER_HIGH_BYTES)).isEqualTo(64 * 1024);
    assertThat(config.get(RelayKeys.WRITE_STALL_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
    // authentication and TLS off, Hello within five seconds
    assertThat(config.get(RelayKeys.TERMINAL_SECRET_FILE)).isEmpty();
    assertThat(config.get(RelayKeys.TERMINAL_SECRETS)).isEmpty();
    assertThat(config.get(ListenerKeys.TLS_CERT_FILE)).isEmpty();
    assertThat(config.get(RelayKeys.HELLO_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.get(RelayKeys.AUTH_FAILURES_MAX)).isEqualTo(5);
    assertThat(config.get(RelayKeys.AUTH_FAILURES_WINDOW)).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.get(RelayKeys.AUTH_COOLDOWN)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void recoveryAndWriteBufferKeys_areValidated() {
    assertThat(config().set(RelayKeys.ADMIN_ADDRESS, "").build().get(RelayKeys.ADMIN_ADDRESS))
        .isEmpty();
    assertThat(config().set(RelayKeys.ADMIN_ADDRESS, "admin.internal:9090").build()
        .get(RelayKeys.ADMIN_ADDRESS)).isEqualTo("admin.internal:9090");
    assertThatThrownBy(() -> config().set(RelayKeys.ADMIN_ADDRESS, "admin").build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("admin.address: admin (expected: HOST:PORT, or empty), from code");
    assertThatThrownBy(() -> config().set(KafkaKeys.CLAIM_DEADLINE, Duration.ZERO).build())
        .hasMessage("claim-deadline.ms: 0 (expected: >= 1), from code");
    assertThatThrownBy(() -> config().set(RelayKeys.WRITE_BUFFER_LOW_BYTES, 64)
        .set(RelayKeys.WRITE_BUFFER_HIGH_BYTES, 64).build())
        .hasMessageStartingWith("write-buffer.high-bytes: 64 (expected: > write-buffer.low-bytes");
    assertThatThrownBy(() -> config().set(RelayKeys.WRITE_STALL_TIMEOUT, Duration.ZERO).build())
        .hasMessage("write-stall-timeout.ms: 0 (expected: >= 1), from code");
  }

  @Test
  void drainTimeout_isTheSmallerOfAckTimeoutAndShutdownDrain() {
    assertThat(RelayServer.drainTimeout(config().set(KafkaKeys.ACK_TIMEOUT, Duration.ofSeconds(2))
        .build())).isEqualTo(Duration.ofSeconds(2));
    assertThat(RelayServer.drainTimeout(config()
        .set(KafkaKeys.ACK_TIMEOUT, Duration.ofSeconds(30)).build()))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void badValues_failNamingTheKeyAndTheRange() {
    assertThatThrownBy(() -> config().set(KafkaKeys.ACK_TIMEOUT, Duration.ofMillis(-5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ack-timeout.ms: -5 (expected: >= 1), from code");
    assertThatThrownBy(() -> config().set(RelayKeys.NODE_ID, "relay 1").build())
        .hasMessage("node-id: relay 1 (expected: ([A-Za-z0-9_.-]{1,64})?), from code");
    assertThatThrownBy(() -> config().set(RelayKeys.PORT, 70_000).build())
        .hasMessage("port: 70000 (expected: 0..65535), from code");
    assertThatThrownBy(() -> config().set(RelayKeys.MAX_FRAME_BYTES, 10).build())
        .hasMessageStartingWith("max-frame-bytes: 10");
    assertThatThrownBy(() -> config().set(RelayKeys.MAX_CONNECTIONS, 0).build())
        .hasMessageStartingWith("max-connections: 0");
    assertThatThrownBy(() -> config().set(RelayKeys.MAX_CONCURRENT_RECOVERIES, 0).build())
        .hasMessage("max-concurrent-recoveries: 0 (expected: >= 1), from code");
    assertThatThrownBy(() -> config().set(RelayKeys.HEARTBEAT_INTERVAL, Duration.ZERO).build())
        .hasMessageStartingWith("heartbeat-interval.ms: 0");
    assertThatThrownBy(() -> config().set(RelayKeys.HELLO_TIMEOUT, Duration.ofMillis(50)).build())
        .hasMessage("hello-timeout.ms: 50 (expected: 100..600000), from code");
    assertThatThrownBy(() -> config().set(RelayKeys.AUTH_FAILURES_MAX, 0).build())
        .hasMessage("auth-failures.max: 0 (expected: 1..1000), from code");
    assertThatThrownBy(() -> config().set(RelayKeys.AUTH_FAILURES_WINDOW, Duration.ZERO).build())
        .hasMessage("auth-failures.window.ms: 0 (expected: >= 1), from code");
    assertThatThrownBy(() -> config().set(RelayKeys.AUTH_COOLDOWN, Duration.ofMillis(-1)).build())
        .hasMessage("auth-cooldown.ms: -1 (expected: >= 1), from code");
  }

  @Test
  void tlsFiles_bothOrNeither_andReadable() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    assertThatThrownBy(() -> config().set(ListenerKeys.TLS_CERT_FILE,
        java.util.Optional.of(cert)).build())
        .hasMessage("tls-key-file: (empty) (expected: set together with tls-cert-file),"
            + " from default");
    assertThatThrownBy(() -> config().set(ListenerKeys.TLS_KEY_FILE,
        java.util.Optional.of(cert)).build())
        .hasMessage("tls-cert-file: (empty) (expected: set together with tls-key-file),"
            + " from default");
    Path missing = dir.resolve("missing.key");
    assertThatThrownBy(() -> config().set(ListenerKeys.TLS_CERT_FILE, java.util.Optional.of(cert))
        .set(ListenerKeys.TLS_KEY_FILE, java.util.Optional.of(missing)).build())
        .hasMessageStartingWith("tls-cert-file: " + cert + " (expected: PEM certificates");
  }

  @Test
  void command_mapsFlagsToKeys() {
    Map<String, String> values = printConfig(Map.of(), "--node-id", "relay-9", "--kafka", "k:1",
        "--port", "0", "--management-port", "0", "--ack-timeout-ms", "1500",
        "--heartbeat-interval-ms", "2000", "--max-frame-bytes", "4096", "--max-connections", "10",
        "--admin-address", "", "--claim-deadline-ms", "2000", "--write-buffer-low-bytes", "1024",
        "--write-buffer-high-bytes", "2048", "--write-stall-timeout-ms", "500",
        "--max-concurrent-recoveries", "4", "--hello-timeout-ms", "1500",
        "--auth-failures-max", "3", "--auth-failures-window-ms", "10000",
        "--auth-cooldown-ms", "20000");
    assertThat(values).containsEntry("node-id", "relay-9")
        .containsEntry("kafka.bootstrap.servers", "k:1")
        .containsEntry("ack-timeout.ms", "1500")
        .containsEntry("heartbeat-interval.ms", "2000")
        .containsEntry("max-frame-bytes", "4096")
        .containsEntry("max-connections", "10")
        .containsEntry("admin.address", "")
        .containsEntry("claim-deadline.ms", "2000")
        .containsEntry("write-buffer.low-bytes", "1024")
        .containsEntry("write-buffer.high-bytes", "2048")
        .containsEntry("write-stall-timeout.ms", "500")
        .containsEntry("max-concurrent-recoveries", "4")
        .containsEntry("hello-timeout.ms", "1500")
        .containsEntry("auth-failures.max", "3")
        .containsEntry("auth-failures.window.ms", "10000")
        .containsEntry("auth-cooldown.ms", "20000");
  }

  @Test
  void command_badValue_exitsWith2NamingTheFlagAndTheRange() {
    StringWriter err = new StringWriter();
    CommandLine cmd = RelayServerCommand.command(Map.of()).setErr(new PrintWriter(err, true));
    assertThat(cmd.execute("--ack-timeout-ms", "-5")).isEqualTo(2);
    assertThat(err.toString())
        .contains("relay-server: ack-timeout.ms: -5 (expected: >= 1), from --ack-timeout-ms");
  }

  @Test
  void secrets_comeFromAFileOrTheEnvironment_andAreNeverPrinted() throws Exception {
    Path secrets = Files.writeString(dir.resolve("secrets"), SECRET + "\n");
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    StringWriter out = new StringWriter();
    CommandLine cmd = RelayServerCommand.command(Map.of("POSRELAY_ADMIN_TOKEN",
            "ignored-because-the-file-wins-0123456789", "POSRELAY_TERMINAL_SECRETS", SECRET))
        .setOut(new PrintWriter(out, true));
    assertThat(cmd.execute("--terminal-secret-file", secrets.toString(), "--admin-token-file",
        token.toString(), "--print-config")).isEqualTo(0);
    assertThat(out.toString())
        .contains("terminal-secret-file=" + secrets, "admin.token-file=" + token,
            "#terminal-secrets=[hidden]", "#admin.token=[hidden]")
        .doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain("ignored-because");
    assertThat(RelayKeys.SPEC.key("terminal-secrets").orElseThrow().isSecret()).isTrue();
    assertThat(cmd.getCommandSpec().findOption("--terminal-secrets")).isNull();
    assertThat(cmd.getCommandSpec().findOption("--admin-token")).isNull();
  }

  @Test
  void badSecretOrCaFile_exitsWith2NamingTheSource_withoutTheSecret() throws Exception {
    String tooShort = "short-secret-value";
    Path secrets = Files.writeString(dir.resolve("secrets"), tooShort);
    StringWriter err = new StringWriter();
    CommandLine cmd = RelayServerCommand.command(Map.of()).setErr(new PrintWriter(err, true));
    assertThat(cmd.execute("--terminal-secret-file", secrets.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("terminal-secret-file: " + secrets + ": secret 1 has 18 characters")
        .doesNotContain(tooShort);

    StringWriter err2 = new StringWriter();
    CommandLine cmd2 = RelayServerCommand.command(Map.of("POSRELAY_ADMIN_TOKEN", "short-secret"))
        .setErr(new PrintWriter(err2, true));
    assertThat(cmd2.execute()).isEqualTo(2);
    assertThat(err2.toString()).contains("relay-server: admin.token: token 1 is not valid")
        .doesNotContain("short-secret");

    StringWriter err3 = new StringWriter();
    CommandLine cmd3 = RelayServerCommand.command(Map.of()).setErr(new PrintWriter(err3, true));
    assertThat(cmd3.execute("--admin-tls-ca-file", dir.resolve("missing.pem").toString()))
        .isEqualTo(2);
    assertThat(err3.toString()).contains("admin.tls-ca-file: " + dir.resolve("missing.pem"));
  }

  @Test
  void unsafeKafkaOverride_failsNamingTheKey() {
    assertThatThrownBy(() -> config().set("kafka.producer.acks", "1").build())
        .hasMessageStartingWith("kafka.producer.acks: 1 (expected: all or -1, for the claims"
            + " producer");
    assertThatThrownBy(() -> config().set("kafka.group.id", "relays").build())
        .hasMessageStartingWith("kafka.group.id: relays (expected: unset, for the results reader:"
            + " every relay node must read every result");
    assertThatThrownBy(() -> config().set("kafka.consumer.bootstrap.servers", "x:1").build())
        .hasMessageStartingWith("kafka.consumer.bootstrap.servers: x:1 (expected: unset; set it"
            + " with kafka.bootstrap.servers)");
    assertThat(config().set("kafka.producer.acks", "all").set("kafka.security.protocol", "SSL")
        .build().kafka().properties(RelayKeys.CLAIMS_PRODUCER, Map.of()))
        .containsEntry("acks", "all").containsEntry("security.protocol", "SSL")
        .containsEntry("enable.idempotence", "true").containsEntry("linger.ms", 20);
  }

  private static Map<String, String> printConfig(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = RelayServerCommand.command(env).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--print-config";
    assertThat(cmd.execute(all)).as(err.toString()).isEqualTo(0);
    Map<String, String> values = new java.util.LinkedHashMap<>();
    out.toString().lines().filter(l -> !l.startsWith("#") && l.contains("="))
        .forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    return values;
  }
}
