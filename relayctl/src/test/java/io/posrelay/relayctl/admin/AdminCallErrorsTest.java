package io.posrelay.relayctl.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.posrelay.relayctl.HostPort;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdminCallErrorsTest {
  private static final HostPort ADMIN = new HostPort("127.0.0.1", 9090);

  @Test
  void plaintextClientClosedByATlsServer_isToldToUseTls() {
    String line = AdminCallErrors.describe(
        Status.UNAVAILABLE.withDescription("Network closed for unknown reason"), ADMIN,
        Duration.ofSeconds(10));

    assertThat(line).isEqualTo("error: UNAVAILABLE: Network closed for unknown reason (admin-api"
        + " at 127.0.0.1:9090; if it serves TLS, add --secure or --tls-ca-file CA.pem)");
  }

  @Test
  void unavailableFromAdminApiItself_keepsItsDescription() {
    String line = AdminCallErrors.describe(
        Status.UNAVAILABLE.withDescription("ledger is restoring"), ADMIN, Duration.ofSeconds(10));

    assertThat(line).isEqualTo("error: UNAVAILABLE: ledger is restoring (admin-api at"
        + " 127.0.0.1:9090)");
  }
}
