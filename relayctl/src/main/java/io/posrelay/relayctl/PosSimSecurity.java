package io.posrelay.relayctl;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import io.posrelay.relay.auth.TerminalSecrets;
import io.posrelay.pos.v1.auth.TerminalTokens;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * How simulated terminals prove themselves and protect the connection: the terminal secrets
 * their Hello tokens are derived from (each terminal sends the token of its own id under the
 * current secret), and the TLS context trusting the relay nodes' CA.
 *
 * @param tokens the deployment's terminal secrets, or {@code null}: Hellos carry no token
 * @param tls a client TLS context, or {@code null}: plain TCP
 */
public record PosSimSecurity(@Nullable TerminalTokens tokens, @Nullable SslContext tls) {
  /** No token, plain TCP: what {@code relayctl local} expects. */
  public static final PosSimSecurity NONE = new PosSimSecurity(null, null);

  /** The auth_token of {@code terminalId}; empty without secrets. */
  String tokenOf(String terminalId) {
    TerminalTokens current = tokens;
    return current == null ? "" : current.issue(terminalId);
  }

  /**
   * Reads the options of {@code pos-sim}.
   *
   * @param secretFile {@code --terminal-secret-file}, or {@code null}
   * @param secretsEnv the value of {@value TerminalSecrets#ENV}, or {@code null}
   * @param caFile {@code --tls-ca-file}, or {@code null} for plain TCP
   * @throws IllegalArgumentException naming the flag (with {@code --}) or the variable, never a
   *     secret
   */
  public static PosSimSecurity fromOptions(
      @Nullable Path secretFile, @Nullable String secretsEnv, @Nullable Path caFile) {
    TerminalTokens tokens;
    try {
      tokens = TerminalSecrets.load(secretFile, secretsEnv);
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      throw new IllegalArgumentException(
          message.startsWith(TerminalSecrets.KEY) ? "--" + message : message);
    }
    return new PosSimSecurity(tokens, caFile == null ? null : clientContext(caFile));
  }

  /**
   * A client context that trusts the CA in {@code caFile} only, checks that the node's
   * certificate names the host or IP address connected to, and speaks TLS 1.3 or 1.2.
   *
   * @throws IllegalArgumentException naming {@code --tls-ca-file} if the file holds no PEM
   *     certificate
   */
  public static SslContext clientContext(Path caFile) {
    try {
      return SslContextBuilder.forClient()
          .trustManager(caFile.toFile())
          .protocols(SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2)
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--tls-ca-file: " + caFile
          + " (expected: a readable PEM file of CA certificates; " + e.getMessage() + ")", e);
    }
  }
}
