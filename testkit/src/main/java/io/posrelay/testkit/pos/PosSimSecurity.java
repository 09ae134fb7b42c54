package io.posrelay.testkit.pos;

import io.netty.handler.ssl.SslContext;
import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.runtime.tls.PemTls;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How simulated terminals prove themselves and protect the connection: the terminal secrets
 * their Hello tokens are derived from (each terminal sends the token of its own id under the
 * current secret), and the TLS context trusting the relay nodes' CA. Immutable.
 *
 * @param tokens the deployment's terminal secrets, or {@code null}: Hellos carry no token
 * @param tls a client TLS context, or {@code null}: plain TCP
 */
public record PosSimSecurity(@Nullable TerminalTokens tokens, @Nullable SslContext tls) {
  /** No token, plain TCP: what {@code relayctl local} expects. */
  public static final PosSimSecurity NONE = new PosSimSecurity(null, null);

  /** The flag of the terminal secrets file, as relay-server names it: {@value}. */
  public static final String SECRET_FILE_FLAG = "--terminal-secret-file";
  /** The environment variable of the terminal secrets, as relay-server reads it: {@value}. */
  public static final String SECRETS_ENV = "POSRELAY_TERMINAL_SECRETS";
  /** The flag of the CA file: {@value}. */
  public static final String CA_FILE_FLAG = "--tls-ca-file";

  /** The auth_token of {@code terminalId}; empty without secrets. */
  String tokenOf(String terminalId) {
    TerminalTokens current = tokens;
    return current == null ? "" : current.issue(terminalId);
  }

  /**
   * Reads the options of {@code pos-sim}: the secrets as relay-server reads them (one or two, the
   * current one first, each of 32 or more characters), and the CA to trust.
   *
   * @param secretFile {@value #SECRET_FILE_FLAG}, or {@code null}
   * @param secretsEnv the value of {@value #SECRETS_ENV}, or {@code null}
   * @param caFile {@value #CA_FILE_FLAG}, or {@code null} for plain TCP
   * @throws IllegalArgumentException starting with the flag or the variable, never a secret
   */
  public static PosSimSecurity fromOptions(
      @Nullable Path secretFile, @Nullable String secretsEnv, @Nullable Path caFile) {
    TerminalTokens tokens = RotatingSecrets.load(secretFile, SECRET_FILE_FLAG, secretsEnv,
            SECRETS_ENV, RotatingSecrets.Rule.HMAC_SECRET)
        .map(secrets -> new TerminalTokens(secrets.all()))
        .orElse(null);
    return new PosSimSecurity(tokens, caFile == null ? null : clientContext(caFile));
  }

  /**
   * A client context that trusts the CA in {@code caFile} only, checks that the node's
   * certificate names the host or IP address connected to, and speaks TLS 1.3 or 1.2
   * ({@link PemTls#client}).
   *
   * @throws IllegalArgumentException starting with {@value #CA_FILE_FLAG} and the file if it
   *     cannot be read or holds no PEM certificate
   */
  public static SslContext clientContext(Path caFile) {
    return PemTls.client(caFile, CA_FILE_FLAG);
  }
}
