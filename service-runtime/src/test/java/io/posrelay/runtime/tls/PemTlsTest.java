package io.posrelay.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.CertificateBuilder.Algorithm;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The key check of {@link PemTls#server}, here with BouncyCastle on the class path (netty-pkitesting
 * brings it), as in relayctl: Netty then reads keys with it, and an EC key comes back as
 * BouncyCastle's {@code "ECDSA"} key, which the JDK's EC signature refuses.
 */
class PemTlsTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = {"ecp256", "rsa2048", "ed25519"})
  void keyOfTheFirstCertificate_isAccepted_anotherKeyIsNot(Algorithm algorithm) throws Exception {
    X509Bundle ca = new CertificateBuilder().subject("CN=test CA").algorithm(algorithm)
        .setIsCertificateAuthority(true).buildSelfSigned();
    X509Bundle server = new CertificateBuilder().subject("CN=localhost").algorithm(algorithm)
        .buildIssuedBy(ca);
    X509Bundle other = new CertificateBuilder().subject("CN=other").algorithm(algorithm)
        .buildIssuedBy(ca);
    Path cert = Files.writeString(dir.resolve("server.pem"), server.getCertificatePathPEM());
    Path key = Files.writeString(dir.resolve("server-key.pem"), server.getPrivateKeyPEM());
    Path otherKey = Files.writeString(dir.resolve("other-key.pem"), other.getPrivateKeyPEM());

    assertThat(PemTls.server(cert, "tls-cert-file", key, "tls-key-file").isServer()).isTrue();
    assertThatThrownBy(() -> PemTls.server(cert, "tls-cert-file", otherKey, "tls-key-file"))
        .hasMessage("tls-key-file: " + otherKey
            + " (expected: the private key of the first certificate in tls-cert-file)");
  }
}
