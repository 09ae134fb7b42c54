package io.posrelay.relayctl.admin;

import com.google.common.net.HostAndPort;
import io.grpc.StatusRuntimeException;
import io.posrelay.relayctl.address.Addresses;
import io.posrelay.relayctl.secure.SecureOptions;
import io.posrelay.testkit.secure.SecureMaterial;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every {@code relayctl admin} subcommand shares, and the way each runs its calls: one
 * channel per command, closed afterwards; a failed call becomes one line on stderr and exit code 1.
 */
final class AdminOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = {"--admin-address", "--admin"},
      paramLabel = "HOST:PORT",
      defaultValue = "${env:POSRELAY_ADMIN_ADDRESS:-127.0.0.1:9090}",
      converter = Addresses.Converter.class,
      description = "admin-api's gRPC address, as relay-server's admin.address (default: env"
          + " POSRELAY_ADMIN_ADDRESS or 127.0.0.1:9090).")
  HostAndPort admin = HostAndPort.fromParts("127.0.0.1", 9090);

  @Option(
      names = "--json",
      description = "Print protobuf JSON (the gRPC messages), one object per line.")
  boolean json;

  @Option(
      names = "--timeout-ms",
      paramLabel = "MS",
      defaultValue = "10000",
      description = "Deadline of each call in milliseconds, > 0 (default: ${DEFAULT-VALUE}).")
  long timeoutMillis;

  @Option(
      names = "--admin-token-file",
      paramLabel = "PATH",
      description = "File holding the operator token admin-api wants ('authorization: Bearer"
          + " <token>'; the first line is sent). Wins over env " + AdminCredentials.TOKEN_ENV
          + ". Neither = no token.")
  @Nullable Path tokenFile;

  @Option(
      names = "--tls-ca-file",
      paramLabel = "PATH",
      defaultValue = "${env:POSRELAY_ADMIN_TLS_CA_FILE:-}",
      description = "PEM CA certificates to trust: talk TLS to admin-api (default: env"
          + " POSRELAY_ADMIN_TLS_CA_FILE, or plaintext).")
  String caFile = "";

  @Mixin SecureOptions secure = new SecureOptions();

  private static final Function<String, @Nullable String> ENVIRONMENT = System::getenv;

  /** One command's work over an open connection; returns the exit code. */
  @FunctionalInterface
  interface AdminCall {
    /**
     * @throws StatusRuntimeException if a call fails; reported as one line, exit code 1
     */
    int run(AdminConnection admin, PrintWriter out);
  }

  /** The command's standard output. */
  PrintWriter out() {
    return command.commandLine().getOut();
  }

  /** The command's standard error. */
  PrintWriter err() {
    return command.commandLine().getErr();
  }

  /** Deadline of each unary call. */
  Duration timeout() {
    return Duration.ofMillis(timeoutMillis);
  }

  /**
   * A usage error (exit code 2) of this command.
   *
   * @param message names the option, e.g. {@code "--page-size: 0 (expected: 1..1000)"}
   */
  ParameterException usageError(String message) {
    return new ParameterException(command.commandLine(), message);
  }

  /**
   * The token and TLS trust from {@code --admin-token-file} (or {@value
   * AdminCredentials#TOKEN_ENV}) and {@code --tls-ca-file}.
   *
   * @throws ParameterException (exit code 2) naming the option if a value is not valid
   */
  AdminCredentials credentials() {
    try {
      SecureMaterial material = secure.existingIfEnabled();
      Path token = tokenFile != null || material == null ? tokenFile : material.operatorTokenFile();
      Path ca = !caFile.isBlank() ? Path.of(caFile)
          : material == null ? null : material.caCertFile();
      return AdminCredentials.read(token, ENVIRONMENT.apply(AdminCredentials.TOKEN_ENV), ca);
    } catch (IllegalArgumentException e) {
      throw usageError(String.valueOf(e.getMessage()));
    }
  }

  /**
   * Validates the shared options, opens a channel to {@code --admin}, runs {@code call} and closes
   * the channel.
   *
   * @return the call's exit code, or 1 ({@link ExitCode#SOFTWARE}) if a gRPC call failed (the
   *     status is printed as one line on stderr)
   * @throws ParameterException (exit code 2) if {@code --timeout-ms} is not positive, or the
   *     token or CA file is not valid
   */
  int run(AdminCall call) {
    if (timeoutMillis <= 0) {
      throw usageError("--timeout-ms: " + timeoutMillis + " (expected: > 0)");
    }
    AdminCredentials credentials = credentials();
    PrintWriter out = out();
    try (AdminConnection connection = AdminConnection.open(admin, timeout(), credentials)) {
      return call.run(connection, out);
    } catch (StatusRuntimeException e) {
      out.flush();
      err().println(AdminCallErrors.describe(e.getStatus(), admin, timeout()));
      return ExitCode.SOFTWARE;
    } finally {
      out.flush();
      err().flush();
    }
  }
}
