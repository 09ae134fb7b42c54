package io.posrelay.runtime.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContext;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PEM files to TLS contexts, and the errors a bad file gives. BouncyCastle is on this class path
 * (netty-pkitesting brings it), as in relayctl: Netty then reads keys with it, and an EC key comes
 * back as BouncyCastle's {@code "ECDSA"} key, which the JDK's EC signature refuses.
 */
class PemTlsTest {
  @TempDir Path dir;

  private static X509Bundle serverOf(X509Bundle ca, CertificateBuilder.Algorithm algorithm)
      throws Exception {
    return new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
        .algorithm(algorithm).addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
  }

  @Test
  void matchingCertificateAndKey_makeServerAndClientContexts_rsaAndEc() throws Exception {
    X509Bundle ca = new CertificateBuilder().subject("CN=test CA").setIsCertificateAuthority(true)
        .buildSelfSigned();
    Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM());
    for (CertificateBuilder.Algorithm algorithm : new CertificateBuilder.Algorithm[] {
        CertificateBuilder.Algorithm.rsa2048, CertificateBuilder.Algorithm.ecp256}) {
      X509Bundle server = serverOf(ca, algorithm);
      Path cert = Files.writeString(dir.resolve(algorithm + ".pem"),
          server.getCertificatePathPEM());
      Path key = Files.writeString(dir.resolve(algorithm + ".key"), server.getPrivateKeyPEM());

      SslContext context = PemTls.server(cert, "tls-cert-file", key, "tls-key-file");

      assertThat(context.isServer()).isTrue();
    }
    assertThat(PemTls.client(caFile, "ca-file").isClient()).isTrue();
    assertThat(PemTls.jdkClient(caFile, "ca-file").getProtocol()).isNotEmpty();
  }

  @Test
  void keyOfAnotherCertificate_isRefusedNamingTheKeyFile() throws Exception {
    X509Bundle ca = new CertificateBuilder().subject("CN=test CA").setIsCertificateAuthority(true)
        .buildSelfSigned();
    Path cert = Files.writeString(dir.resolve("server.pem"),
        serverOf(ca, CertificateBuilder.Algorithm.ecp256).getCertificatePathPEM());
    Path otherKey = Files.writeString(dir.resolve("other.key"),
        serverOf(ca, CertificateBuilder.Algorithm.ecp256).getPrivateKeyPEM());

    assertThatThrownBy(() -> PemTls.server(cert, "tls-cert-file", otherKey, "tls-key-file"))
        .hasMessage("tls-key-file: " + otherKey
            + " (expected: the private key of the first certificate in tls-cert-file)");
  }

  @Test
  void missingGarbageOrUnreadableFiles_areRefusedNamingTheKey_withoutKeyMaterial()
      throws Exception {
    Path missing = dir.resolve("missing.pem");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
    X509Bundle ca = new CertificateBuilder().subject("CN=test CA").setIsCertificateAuthority(true)
        .buildSelfSigned();
    Path cert = Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM());
    Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"),
        "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> PemTls.certificates(missing, "tls-ca-file"))
        .hasMessage("tls-ca-file: " + missing + ": cannot read it (NoSuchFileException)");
    assertThatThrownBy(() -> PemTls.client(garbage, "tls-ca-file"))
        .hasMessageStartingWith("tls-ca-file: " + garbage + " (expected: PEM certificates");
    assertThatThrownBy(() -> PemTls.checkServerFiles(cert, "tls-cert-file", notAKey,
        "tls-key-file"))
        .hasMessage("tls-key-file: " + notAKey
            + " (expected: an unencrypted PEM PKCS#8 key, -----BEGIN PRIVATE KEY-----)")
        .hasMessageNotContaining("c2VjcmV0");
  }

  @ParameterizedTest
  @EnumSource(value = CertificateBuilder.Algorithm.class,
      names = {"ecp256", "rsa2048", "ed25519"})
  void keyOfTheFirstCertificate_isAccepted_anotherKeyIsNot(CertificateBuilder.Algorithm algorithm)
      throws Exception {
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
