package io.posrelay.relayctl.secure;

import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.testkit.pos.PosSimSecurity;
import io.posrelay.testkit.secure.SecureMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code relayctl terminal-token TERMINAL_ID}: prints the token a terminal must send in {@code
 * Hello.auth_token}, derived from the relay nodes' current terminal secret (docs/pos-protocol.md
 * §3.1). The secret comes from a file or an environment variable, never from the command line.
 */
@Command(
    name = "terminal-token",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the terminal token (Hello.auth_token) of TERMINAL_ID under the current terminal "
          + "secret: base64url(HMAC-SHA256(secret, \"posrelay-terminal-token/v1:\" + "
          + "TERMINAL_ID)), 43 characters.",
      "The secret is read from --terminal-secret-file or env POSRELAY_TERMINAL_SECRETS, as "
          + "relay-server reads it; with neither, from the terminal-secrets file of"
          + " --secure-dir that 'local --secure' created."
    })
public final class TerminalTokenCommand implements Callable<Integer> {
  private static final Pattern TERMINAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TERMINAL_ID",
      description = "The terminal id, [A-Za-z0-9_-]{1,64}, exactly as the terminal sends it.")
  String terminalId = "";

  @Option(
      names = "--terminal-secret-file",
      paramLabel = "PATH",
      description = "File with the terminal secret(s), current first, one per line (as given to"
          + " relay-server). Default: env POSRELAY_TERMINAL_SECRETS (comma-separated).")
  @Nullable Path terminalSecretFile;

  @Option(
      names = "--secure-dir",
      paramLabel = "DIR",
      defaultValue = "${env:POSRELAY_HOME:-.}/" + SecureMaterial.DEFAULT_DIR,
      description = "Where 'local --secure' keeps its secrets, used when neither"
          + " --terminal-secret-file nor the environment variable is given"
          + " (default: ${DEFAULT-VALUE}).")
  Path secureDir = Path.of(SecureMaterial.DEFAULT_DIR);

  /** Creates the command; picocli fills in its fields. */
  public TerminalTokenCommand() {}

  /** Prints the token on stdout, one line; exit code 2 if the id or the secret is bad. */
  @Override
  public Integer call() {
    if (!TERMINAL_ID.matcher(terminalId).matches()) {
      throw new ParameterException(spec.commandLine(),
          "TERMINAL_ID: '" + terminalId + "' (expected: [A-Za-z0-9_-]{1,64})");
    }
    TerminalTokens tokens;
    try {
      String fromEnv = System.getenv(PosSimSecurity.SECRETS_ENV);
      Path file = terminalSecretFile;
      if (file == null && fromEnv == null) {
        Path local = secureDir.resolve("terminal-secrets");
        file = Files.isReadable(local) ? local : null;
      }
      tokens = RotatingSecrets.load(file, PosSimSecurity.SECRET_FILE_FLAG, fromEnv,
              PosSimSecurity.SECRETS_ENV, RotatingSecrets.Rule.HMAC_SECRET)
          .map(secrets -> new TerminalTokens(secrets.all()))
          .orElse(null);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage()); // never has a secret
    }
    if (tokens == null) {
      throw new ParameterException(spec.commandLine(), "no terminal secret: give "
          + PosSimSecurity.SECRET_FILE_FLAG + " PATH, set " + PosSimSecurity.SECRETS_ENV
          + ", or start 'local --secure' (it creates " + secureDir.resolve("terminal-secrets")
          + ")");
    }
    spec.commandLine().getOut().println(tokens.issue(terminalId));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
