package io.posrelay.runtime.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * TLS from PEM files, for every listener and client of POS Relay: TLS 1.3 and 1.2 only, the JDK's
 * provider, files read by Netty's {@link SslContextBuilder}. The one place a certificate or key
 * file is read; gRPC listeners check their files here, then hand them to grpc-java's own
 * {@code TlsServerCredentials}.
 *
 * <p>Files: a PEM certificate chain ({@code -----BEGIN CERTIFICATE-----}, the server's own first)
 * and its unencrypted PEM PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}; RSA, EC or
 * Ed25519). Every error is an {@link IllegalArgumentException} whose message starts with the
 * config key that named the bad file and the file, says what was expected, and never contains key
 * material, e.g. {@code "tls-key-file: /etc/relay.key (expected: the private key of the first
 * certificate in tls-cert-file)"}. Stateless.
 */
public final class PemTls {
  /** The protocols offered and accepted. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private PemTls() {}

  /**
   * A server context for a Netty listener, no client certificates.
   *
   * @param certFile the certificate chain, named by {@code certKey}
   * @param keyFile its private key, named by {@code keyKey}
   * @return the context; thread-safe, shared by every connection
   * @throws IllegalArgumentException as {@link #checkServerFiles}
   */
  public static SslContext server(Path certFile, String certKey, Path keyFile, String keyKey) {
    ServerFiles files = checkServerFiles(certFile, certKey, keyFile, keyKey);
    try {
      return SslContextBuilder.forServer(files.key(), files.chain())
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .build();
    } catch (Exception e) { // SSLException, or an IllegalArgumentException from the JDK
      throw new IllegalArgumentException(certKey + ": " + certFile
          + " (expected: a certificate chain usable with " + keyKey + "; " + e.getMessage() + ")",
          e);
    }
  }

  /** A checked certificate chain and the private key of its first certificate. */
  public record ServerFiles(X509Certificate[] chain, PrivateKey key) {}

  /**
   * Reads and checks a certificate chain and its key: both readable PEM, and the key the private
   * key of the chain's first certificate (a probe is signed with it and verified with the
   * certificate's public key).
   *
   * @throws IllegalArgumentException naming {@code certKey} (unreadable, or no PEM certificate)
   *     or {@code keyKey} (unreadable, not an unencrypted PEM PKCS#8 key, or not the key of the
   *     first certificate)
   */
  public static ServerFiles checkServerFiles(Path certFile, String certKey, Path keyFile,
      String keyKey) {
    X509Certificate[] chain = certificates(certFile, certKey);
    PrivateKey key = privateKey(keyFile, keyKey);
    if (!signsFor(key, chain[0])) {
      throw new IllegalArgumentException(keyKey + ": " + keyFile
          + " (expected: the private key of the first certificate in " + certKey + ")");
    }
    return new ServerFiles(chain, key);
  }

  /**
   * A client context for a Netty client.
   *
   * @param caFile PEM certificates of the CAs to trust, named by {@code caKey}; null = the JVM's
   *     default trust store
   * @throws IllegalArgumentException naming {@code caKey} if the file cannot be read or holds no
   *     certificate
   */
  public static SslContext client(@Nullable Path caFile, String caKey) {
    SslContextBuilder builder =
        SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(PROTOCOLS);
    if (caFile != null) {
      builder.trustManager(certificates(caFile, caKey));
    }
    try {
      return builder.build();
    } catch (Exception e) {
      throw new IllegalArgumentException(caKey + ": cannot set up TLS (" + e.getMessage() + ")",
          e);
    }
  }

  /**
   * A JDK {@link SSLContext} trusting exactly the CAs of {@code caFile}, for clients built on the
   * JDK ({@code java.net.http}, {@code SSLSocket}). Offer {@link #PROTOCOLS} on what it creates.
   *
   * @throws IllegalArgumentException as {@link #client}
   */
  public static SSLContext jdkClient(Path caFile, String caKey) {
    return ((JdkSslContext) client(caFile, caKey)).context();
  }

  /**
   * The certificates of a PEM file.
   *
   * @return at least one certificate
   * @throws IllegalArgumentException naming {@code key}: unreadable, or no PEM certificate
   */
  public static X509Certificate[] certificates(Path file, String key) {
    checkReadable(file, key);
    X509Certificate[] certificates;
    try {
      certificates = Pem.certificates(file.toFile());
    } catch (Exception e) {
      certificates = new X509Certificate[0];
    }
    if (certificates == null || certificates.length == 0) {
      throw new IllegalArgumentException(key + ": " + file
          + " (expected: PEM certificates, -----BEGIN CERTIFICATE-----, the server's first)");
    }
    return certificates;
  }

  private static PrivateKey privateKey(Path file, String key) {
    checkReadable(file, key);
    try {
      PrivateKey privateKey = Pem.privateKey(file.toFile());
      if (privateKey != null) {
        return privateKey;
      }
    } catch (Exception e) {
      // not a key Netty can read: reported below, without its details (they may quote the key)
    }
    throw new IllegalArgumentException(key + ": " + file
        + " (expected: an unencrypted PEM PKCS#8 key, -----BEGIN PRIVATE KEY-----)");
  }

  private static void checkReadable(Path file, String key) {
    try {
      Files.newInputStream(file).close();
    } catch (Exception e) {
      throw new IllegalArgumentException(
          key + ": " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static boolean signsFor(PrivateKey key, X509Certificate certificate) {
    byte[] probe = "posrelay-tls-key-check".getBytes(US_ASCII);
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA"; // ECDSA: read by BouncyCastle, when present
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(jdkKey(key));
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * {@code key} as the JDK's own providers take it. Netty reads keys with BouncyCastle when it is
   * on the class path (relayctl, tests), and the JDK's EC signature refuses BouncyCastle's EC keys
   * (algorithm {@code "ECDSA"}, not {@code "EC"}).
   */
  private static PrivateKey jdkKey(PrivateKey key) throws GeneralSecurityException {
    return key.getAlgorithm().equals("ECDSA")
        ? KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()))
        : key;
  }

  /**
   * Netty's PEM readers, which {@link SslContext} offers its subclasses only. Never instantiated.
   */
  private abstract static class Pem extends SslContext {
    static X509Certificate[] certificates(File file) throws Exception {
      return toX509Certificates(file);
    }

    static PrivateKey privateKey(File file) throws Exception {
      return toPrivateKey(file, null);
    }
  }
}
