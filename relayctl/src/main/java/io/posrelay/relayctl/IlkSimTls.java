package io.posrelay.relayctl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of {@code ilk-sim}: a client context that trusts exactly the CA certificates of
 * {@code --tls-ca-file} (PEM); {@link IlkSimClient} uses it with {@link #PROTOCOLS} only, the JDK's
 * default cipher suites and host names checked.
 */
final class IlkSimTls {

  /** The TLS versions offered. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private IlkSimTls() {}

  /**
   * @throws IllegalArgumentException naming {@code tls-ca-file}: unreadable, or no PEM
   *     certificate in it
   */
  static SSLContext clientContext(Path caFile) {
    Collection<? extends Certificate> cas;
    try (InputStream in = Files.newInputStream(caFile)) {
      cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "tls-ca-file: " + caFile + ": cannot read it (" + e.getClass().getSimpleName() + ")");
    } catch (GeneralSecurityException e) {
      cas = List.of();
    }
    if (cas.isEmpty()) {
      throw new IllegalArgumentException(
          "tls-ca-file: " + caFile + " (expected: PEM CA certificates, -----BEGIN CERTIFICATE-----)");
    }
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate ca : cas) {
        trust.setCertificateEntry("ca-" + i++, ca);
      }
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context from " + caFile, e);
    }
  }
}
