package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.testkit.cluster.ChildProcess;
import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.testkit.secure.TestCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code relayctl admin} against a real admin-api (its own process, started as {@code local}
 * starts it) that wants an operator token over TLS: with the token file and the CA the call is
 * answered; without the token, admin-api's own check answers UNAUTHENTICATED. relayctl's unit
 * tests use a fake admin-api; this one shows the two agree (it was part of the integration
 * tests' {@code SecureAdminTest}, which may not depend on relayctl).
 */
@ExtendWith(TestKafka.Shared.class)
class AdminAgainstSecureAdminApiTest {
  private static final String TOKEN = "relayctl-operator-token-0123456789abcdef";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int relayctl(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine commandLine = RelayCtl.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void adminOverTlsWithTheToken_isAnswered_andWithoutTheToken_isUnauthenticated(
      TestKafka kafka, @TempDir Path dir) throws Exception {
    TestCertificates tls = TestCertificates.create(dir.resolve("tls"));
    Path tokenFile = Files.writeString(dir.resolve("operator-token"), TOKEN + "\n");
    int port = LocalPorts.pickFree();
    String admin = "127.0.0.1:" + port;
    try (ChildProcess adminApi = ChildProcess.start("admin-api", RelayCtl.LAUNCHER, List.of(),
        List.of("admin-api", "--kafka", kafka.bootstrapServers(), "--host", "127.0.0.1",
            "--port", Integer.toString(port),
            "--management-port", Integer.toString(LocalPorts.pickFree()),
            "--state-dir", dir.resolve("admin-state").toString(),
            "--application-id", "relayctl-test-admin-" + UUID.randomUUID(),
            "--operator-token-file", tokenFile.toString(),
            "--tls-cert-file", tls.certFile().toString(),
            "--tls-key-file", tls.keyFile().toString()),
        dir.resolve("admin-api.log"))) {
      adminApi.awaitPort(port, Duration.ofSeconds(90));

      // UNAVAILABLE while the ledger restores; answered once it runs.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> relayctl("admin", "stats", "--admin-address", admin, "--admin-token-file",
              tokenFile.toString(), "--tls-ca-file", tls.caFile().toString()) == 0);
      assertThat(out.toString()).contains("records");

      assertThat(relayctl("admin", "stats", "--admin-address", admin,
          "--tls-ca-file", tls.caFile().toString())).isEqualTo(1);
      assertThat(err.toString()).startsWith("error: UNAUTHENTICATED: missing operator token")
          .contains("(--admin-token-file or POSRELAY_ADMIN_TOKEN sets the operator token)");
    }
  }
}
