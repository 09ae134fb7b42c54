package io.posrelay.relay.pos;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/** TLS for the POS listener, from PEM files. Stateless. */
public final class PosTls {
  private PosTls() {}

  /**
   * A server context for the POS listener: TLS 1.3 and 1.2 only, no client certificates.
   *
   * @param certChainFile PEM certificate chain, the server's certificate first
   * @param keyFile PEM PKCS#8 private key of that certificate, unencrypted
   * @return the context; thread-safe, shared by every connection
   * @throws IllegalArgumentException naming {@code tls-cert-file}/{@code tls-key-file} if the
   *     files cannot be read or do not hold a matching certificate and key; the message never
   *     contains key material
   */
  public static SslContext serverContext(Path certChainFile, Path keyFile) {
    try {
      return SslContextBuilder.forServer(certChainFile.toFile(), keyFile.toFile())
          .protocols(SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("tls-cert-file/tls-key-file: " + certChainFile + ", "
          + keyFile + " (expected: a PEM certificate chain and its PEM PKCS#8 private key; "
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
  }
}
