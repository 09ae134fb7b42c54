package io.posrelay.admin;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test CA and a server certificate it issued (SAN IP 127.0.0.1 and DNS localhost, serverAuth),
 * made with Netty's {@code pkitesting} and written as PEM into a directory: {@code ca.pem},
 * {@code server.pem} and {@code server-key.pem} (PKCS#8, {@code -----BEGIN PRIVATE KEY-----}).
 *
 * @param caFile the CA certificate: what clients trust
 * @param certFile the server certificate
 * @param keyFile the server's private key
 */
public record TestCertificates(Path caFile, Path certFile, Path keyFile) {

  /** Issues a fresh CA and server certificate into {@code dir}, created if absent. */
  public static TestCertificates create(Path dir) throws Exception {
    X509Bundle ca = new CertificateBuilder().subject("CN=posrelay test CA")
        .setIsCertificateAuthority(true).buildSelfSigned();
    X509Bundle server = new CertificateBuilder().subject("CN=localhost")
        .addSanIpAddress("127.0.0.1").addSanDnsName("localhost")
        .addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
    Files.createDirectories(dir);
    return new TestCertificates(
        Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM()),
        Files.writeString(dir.resolve("server.pem"), server.getCertificatePathPEM()),
        Files.writeString(dir.resolve("server-key.pem"), server.getPrivateKeyPEM()));
  }
}
