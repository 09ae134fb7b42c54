package io.posrelay.relayctl.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.HostAndPort;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdminCallErrorsTest {
  private static final HostAndPort ADMIN = HostAndPort.fromParts("127.0.0.1", 9090);

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
