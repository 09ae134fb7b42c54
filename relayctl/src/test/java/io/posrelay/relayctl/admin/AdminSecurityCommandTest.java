package io.posrelay.relayctl.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.testkit.secure.SecureMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relayctl admin} against a fake admin-api that speaks TLS and wants an operator token. */
class AdminSecurityCommandTest {
  private static final String TOKEN = "relayctl-operator-token-0123456789abcdef";

  @TempDir Path dir;
  private SecureMaterial secure;
  private Path tokenFile;
  private AdminCommandHarness admin;

  @BeforeEach
  void startFake() throws Exception {
    secure = SecureMaterial.createOrReuse(dir.resolve("secure"));
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    admin = new AdminCommandHarness(secure, TOKEN);
  }

  @AfterEach
  void stopFake() {
    admin.close();
  }

  @Test
  void withTheTokenFile_andTheCa_callsSucceedOverTls() {
    admin.fake.stats = r -> GetStatsResponse.newBuilder().setTotal(7).build();
    admin.fake.list = r -> ListDeliveriesResponse.newBuilder()
        .addDeliveries(Delivery.newBuilder().setResultId("r-1").setTerminalId("T0001")).build();

    assertThat(admin.run("admin", "stats", "--admin-token-file", tokenFile.toString(),
        "--tls-ca-file", secure.caCertFile().toString())).as(admin.err()).isZero();
    assertThat(admin.outLines()).contains("records              7");
    assertThat(admin.run("admin", "list", "--json", "--admin-token-file", tokenFile.toString(),
        "--tls-ca-file", secure.caCertFile().toString())).as(admin.err()).isZero();
    assertThat(admin.out()).contains("\"resultId\":\"r-1\"");
    assertThat(admin.fake.requests).hasAtLeastOneElementOfType(ListDeliveriesRequest.class);
  }

  @Test
  void withoutAToken_theCallIsUnauthenticated_andTheErrorSaysHowToGiveOne() {
    assertThat(admin.run("admin", "stats", "--tls-ca-file", secure.caCertFile().toString()))
        .isEqualTo(1);

    assertThat(admin.err().strip()).startsWith("error: UNAUTHENTICATED: missing operator token")
        .endsWith("(--admin-token-file or POSRELAY_ADMIN_TOKEN sets the operator token)");
    assertThat(admin.fake.requests).isEmpty();
  }

  @Test
  void trustingAnotherCa_failsWithATlsHint() throws Exception {
    SecureMaterial other = SecureMaterial.createOrReuse(dir.resolve("other"));

    assertThat(admin.run("admin", "stats", "--admin-token-file", tokenFile.toString(),
        "--tls-ca-file", other.caCertFile().toString())).isEqualTo(1);

    assertThat(admin.err()).startsWith("error: UNAVAILABLE: TLS with admin-api at "
        + admin.address() + " failed (does it speak TLS, and does --tls-ca-file hold the CA");
  }

  @Test
  void plaintextToATlsServer_isUnavailable() {
    assertThat(admin.run("admin", "stats", "--admin-token-file", tokenFile.toString()))
        .isEqualTo(1);

    assertThat(admin.err()).startsWith("error: UNAVAILABLE:");
  }

  @Test
  void aBadTokenFileOrCaFile_isAUsageError_thatNeverShowsTheToken() throws Exception {
    Path shortToken = Files.writeString(dir.resolve("short"), "short-secret\n");

    assertThat(admin.run("admin", "stats", "--admin-token-file", shortToken.toString()))
        .isEqualTo(2);
    assertThat(admin.err()).contains("--admin-token-file: " + shortToken + ": token 1 is not valid")
        .doesNotContain("short-secret\n").doesNotContain(": short-secret");

    assertThat(admin.run("admin", "stats", "--tls-ca-file", shortToken.toString())).isEqualTo(2);
    assertThat(admin.err()).contains("--tls-ca-file: " + shortToken);
  }

  @Test
  void credentials_fromTheEnvironmentValue_whenThereIsNoFile() {
    AdminCredentials credentials = AdminCredentials.read(null, TOKEN, secure.caCertFile());

    assertThat(credentials.hasToken()).isTrue();
    assertThat(credentials.tls()).isTrue();
    assertThat(credentials).hasToString("TLS, token");
    assertThat(AdminCredentials.read(null, null, null)).hasToString("plaintext, no token");
    assertThatThrownBy(() -> AdminCredentials.read(null, "short-secret", null))
        .hasMessageStartingWith("POSRELAY_ADMIN_TOKEN: token 1 is not valid")
        .hasMessageNotContaining("short-secret");
  }
}
