package io.posrelay.ingest;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * A test CA and a server certificate it issued (SAN IP 127.0.0.1 and DNS localhost, serverAuth),
 * made with Netty's {@code pkitesting}: {@code ca.pem}, {@code server.pem} and
 * {@code server-key.pem} (PKCS#8, {@code -----BEGIN PRIVATE KEY-----}) in a directory, and a
 * client context that trusts only that CA.
 */
record TestCertificates(Path caFile, Path certFile, Path keyFile, X509Bundle ca) {

  /** Issues a fresh CA and server certificate into {@code dir}, created if absent. */
  static TestCertificates create(Path dir) throws Exception {
    X509Bundle ca = new CertificateBuilder().subject("CN=posrelay test CA")
        .setIsCertificateAuthority(true).buildSelfSigned();
    X509Bundle server = new CertificateBuilder().subject("CN=localhost")
        .addSanIpAddress("127.0.0.1").addSanDnsName("localhost")
        .addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
    Files.createDirectories(dir);
    return new TestCertificates(
        Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM()),
        Files.writeString(dir.resolve("server.pem"), server.getCertificatePathPEM()),
        Files.writeString(dir.resolve("server-key.pem"), server.getPrivateKeyPEM()), ca);
  }

  /** A client context that trusts only the test CA. */
  SSLContext clientContext() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, ca.toTrustManagerFactory().getTrustManagers(), null);
    return context;
  }
}
