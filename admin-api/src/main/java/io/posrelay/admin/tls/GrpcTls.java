package io.posrelay.admin.tls;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Netty {@link SslContext}s for the admin gRPC API, built from PEM files with {@link
 * GrpcSslContexts} (HTTP/2 ALPN and ciphers as gRPC requires), TLS 1.3 and 1.2 only. Every error
 * is an {@link IllegalArgumentException} whose message starts with the flag that named the bad
 * file, e.g. {@code "tls-key-file: /etc/admin.key: not a PEM PKCS#8 private key …"}. Stateless.
 */
public final class GrpcTls {
  /** The protocols offered and accepted. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private GrpcTls() {}

  /**
   * A server context.
   *
   * @param certChainFile PEM certificate chain, the server's own certificate first
   * @param keyFile PEM PKCS#8 private key of that certificate, unencrypted
   * @param certKey the flag naming the certificate file, for messages (e.g. {@code tls-cert-file})
   * @param keyKey the flag naming the key file, for messages (e.g. {@code tls-key-file})
   * @throws IllegalArgumentException naming {@code certKey} if the chain cannot be read or holds
   *     no certificate, {@code keyKey} if the key cannot be read or parsed
   */
  public static SslContext server(Path certChainFile, Path keyFile, String certKey, String keyKey) {
    checkCertificates(certChainFile, certKey);
    checkReadable(keyFile, keyKey);
    try (InputStream chain = Files.newInputStream(certChainFile);
        InputStream key = Files.newInputStream(keyFile)) {
      return GrpcSslContexts.configure(SslContextBuilder.forServer(chain, key))
          .protocols(PROTOCOLS)
          .build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(keyKey + ": " + keyFile + ": not a PEM PKCS#8 private"
          + " key of the certificate in " + certChainFile + " (" + rootMessage(e) + ")", e);
    }
  }

  /**
   * A client context.
   *
   * @param caFile PEM certificates of the CAs to trust; null = the JVM's default trust store
   * @param caKey the flag naming the CA file, for messages (e.g. {@code tls-ca-file})
   * @throws IllegalArgumentException naming {@code caKey} if the file cannot be read or holds no
   *     certificate
   */
  public static SslContext client(@Nullable Path caFile, String caKey) {
    SslContextBuilder builder = GrpcSslContexts.forClient().protocols(PROTOCOLS);
    if (caFile != null) {
      checkCertificates(caFile, caKey);
      try (InputStream ca = Files.newInputStream(caFile)) {
        builder.trustManager(ca);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            caKey + ": " + caFile + ": not PEM certificates (" + rootMessage(e) + ")", e);
      }
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException(caKey + ": cannot set up TLS (" + rootMessage(e) + ")", e);
    }
  }

  /**
   * Checks that {@code file} holds at least one PEM certificate.
   *
   * @throws IllegalArgumentException naming {@code key} otherwise
   */
  public static void checkCertificates(Path file, String key) {
    checkReadable(file, key);
    try (InputStream in = Files.newInputStream(file)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new IllegalArgumentException(
            key + ": " + file + ": no certificate (expected: PEM '-----BEGIN CERTIFICATE-----')");
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(key + ": " + file + ": not PEM certificates ("
          + rootMessage(e) + ") (expected: PEM '-----BEGIN CERTIFICATE-----')", e);
    }
  }

  private static void checkReadable(Path file, String key) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(key + ": " + file + " (expected: a readable PEM file)");
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
