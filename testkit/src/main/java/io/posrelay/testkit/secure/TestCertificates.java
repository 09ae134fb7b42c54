package io.posrelay.testkit.secure;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/**
 * A test CA and a server certificate it issued, for unit and integration tests of TLS listeners
 * and clients: made with Netty's {@code pkitesting} (its default key type and validity) and
 * written as PEM into a directory, the forms {@link io.posrelay.runtime.tls.PemTls} reads:
 *
 * <pre>
 * ca.pem           the CA certificate: what clients trust
 * server.pem       the server certificate: CN=localhost, SAN IP 127.0.0.1 and DNS localhost,
 *                  extended key usage serverAuth
 * server-key.pem   its private key, unencrypted PKCS#8 (-----BEGIN PRIVATE KEY-----)
 * </pre>
 *
 * Not {@link SecureMaterial}, which is secure mode's directory of a local cluster (CA kept between
 * runs, secrets too); this one is fresh for every test. Immutable.
 *
 * @param caFile the CA certificate
 * @param certFile the server certificate (the chain of one)
 * @param keyFile the server's private key
 * @param ca the CA, for {@link #clientContext()}
 */
public record TestCertificates(Path caFile, Path certFile, Path keyFile, X509Bundle ca) {

  /**
   * Issues a fresh CA and server certificate into {@code dir}.
   *
   * @param dir the directory, created if absent; existing files of these names are replaced
   * @return the files and the CA
   * @throws Exception if a key cannot be generated, a certificate signed or a file written
   */
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
        Files.writeString(dir.resolve("server-key.pem"), server.getPrivateKeyPEM()), ca);
  }

  /**
   * A JSSE client context that trusts only the test CA (host names are checked by the client
   * that uses it, e.g. {@code java.net.http.HttpClient}).
   *
   * @throws GeneralSecurityException if the JDK has no TLS context
   */
  public SSLContext clientContext() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    try {
      context.init(null, ca.toTrustManagerFactory().getTrustManagers(), null);
    } catch (Exception e) {
      throw new GeneralSecurityException("cannot trust the test CA", e);
    }
    return context;
  }
}
