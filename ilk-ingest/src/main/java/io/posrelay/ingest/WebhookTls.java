package io.posrelay.ingest;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The server-side TLS context of the webhook, from a PEM certificate chain (server certificate
 * first) and a PEM PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}, RSA, EC or Ed25519,
 * not encrypted). TLS 1.3 and 1.2 only, the JDK's provider.
 */
final class WebhookTls {

  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final Pattern PKCS8_PEM = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519");

  private WebhookTls() {}

  /**
   * Loads and checks the files and builds the context.
   *
   * @throws IllegalArgumentException naming {@code tls-cert-file} or {@code tls-key-file}: a file
   *     that cannot be read, holds no PEM certificate / PKCS#8 key, or a key that does not belong
   *     to the first certificate. Never contains key material.
   */
  static SslContext serverContext(Path certFile, Path keyFile) {
    X509Certificate[] chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile);
    checkPair(key, chain[0], keyFile);
    try {
      return SslContextBuilder.forServer(key, chain)
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("tls-cert-file: " + certFile
          + " (expected: a certificate chain usable with tls-key-file): " + e.getMessage(), e);
    }
  }

  private static X509Certificate[] certificates(Path file) {
    try {
      byte[] pem = Files.readAllBytes(file);
      X509Certificate[] chain = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem)).stream()
          .map(X509Certificate.class::cast)
          .toArray(X509Certificate[]::new);
      if (chain.length > 0) {
        return chain;
      }
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("tls-cert-file: " + file + ": cannot read it ("
          + e.getClass().getSimpleName() + ")");
    } catch (GeneralSecurityException | ClassCastException e) {
      // fall through: not PEM certificates
    }
    throw new IllegalArgumentException("tls-cert-file: " + file
        + " (expected: PEM certificates, -----BEGIN CERTIFICATE-----, the server's first)");
  }

  private static PrivateKey privateKey(Path file) {
    String pem;
    try {
      pem = new String(Files.readAllBytes(file), US_ASCII);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("tls-key-file: " + file + ": cannot read it ("
          + e.getClass().getSimpleName() + ")");
    }
    Matcher m = PKCS8_PEM.matcher(pem);
    if (m.find()) {
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(1));
      } catch (IllegalArgumentException e) {
        der = new byte[0];
      }
      for (String algorithm : KEY_ALGORITHMS) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
          // try the next algorithm
        }
      }
    }
    throw new IllegalArgumentException("tls-key-file: " + file
        + " (expected: an unencrypted PEM PKCS#8 key, -----BEGIN PRIVATE KEY-----)");
  }

  /** Signs a probe with the key and verifies it with the certificate's public key. */
  private static void checkPair(PrivateKey key, X509Certificate cert, Path keyFile) {
    byte[] probe = "posrelay-tls-key-check".getBytes(US_ASCII);
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519
    };
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException("tls-key-file: " + keyFile
          + " (expected: the private key of the first certificate in tls-cert-file)");
    }
  }
}
