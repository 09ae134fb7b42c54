package io.posrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.admin.auth.OperatorTokens;
import io.posrelay.testkit.secure.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminSecurityTest {
  private static final String TOKEN = "security-test-operator-token-0123456789";

  @TempDir Path dir;

  @Test
  void default_isNoTokensAndPlaintext() {
    AdminSecurity none = AdminConfig.builder().build().security();

    assertThat(none.operatorTokens().isEmpty()).isTrue();
    assertThat(none.reflectionRequiresToken()).isFalse();
    assertThat(none.tlsEnabled()).isFalse();
    assertThat(none.serverTls()).isNull();
    assertThat(none.peerTls()).isNull();
  }

  @Test
  void tlsFiles_andPeerCa_buildServerAndPeerContexts() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);

    AdminSecurity security = AdminSecurity.builder()
        .tls(certs.certFile(), certs.keyFile())
        .peerTlsCaFile(certs.caFile())
        .build();

    assertThat(security.tlsEnabled()).isTrue();
    assertThat(security.serverTls().isServer()).isTrue();
    assertThat(security.peerTls().isClient()).isTrue();
  }

  @Test
  void badTlsSettings_failNamingTheKey() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem file\n");

    assertThatThrownBy(() -> AdminSecurity.builder().tls(certs.certFile(), null).build())
        .hasMessage("tls-key-file: missing (expected: given together with tls-cert-file)");
    assertThatThrownBy(() -> AdminSecurity.builder().tls(null, certs.keyFile()).build())
        .hasMessage("tls-cert-file: missing (expected: given together with tls-key-file)");
    assertThatThrownBy(() -> AdminSecurity.builder().tls(dir.resolve("nope"), certs.keyFile())
        .build()).hasMessageStartingWith("tls-cert-file: " + dir.resolve("nope"));
    assertThatThrownBy(() -> AdminSecurity.builder().tls(garbage, certs.keyFile()).build())
        .hasMessageStartingWith("tls-cert-file: " + garbage);
    assertThatThrownBy(() -> AdminSecurity.builder().tls(certs.certFile(), garbage).build())
        .hasMessageStartingWith("tls-key-file: " + garbage + ": not a PEM PKCS#8 private key");
    assertThatThrownBy(() -> AdminSecurity.builder().peerTlsCaFile(certs.caFile()).build())
        .hasMessageStartingWith("peer-tls-ca-file: " + certs.caFile() + " (expected: only with");
    assertThatThrownBy(() -> AdminSecurity.builder().tls(certs.certFile(), certs.keyFile())
        .peerTlsCaFile(garbage).build())
        .hasMessageStartingWith("peer-tls-ca-file: " + garbage);
  }

  @Test
  void toString_showsTheSettings_neverAToken() throws Exception {
    AdminConfig config = AdminConfig.builder()
        .security(AdminSecurity.builder()
            .operatorTokens(OperatorTokens.load(null, "f", TOKEN, "ENV"))
            .reflectionRequiresToken(true)
            .build())
        .build();

    assertThat(config.toString())
        .contains("operator-tokens=1 token, reflection-requires-token=true, tls=off")
        .doesNotContain(TOKEN);
  }
}
