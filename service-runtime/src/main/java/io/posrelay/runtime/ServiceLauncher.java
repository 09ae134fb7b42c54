package io.posrelay.runtime;

import io.posrelay.runtime.config.ConfigKey;
import io.posrelay.runtime.config.ConfigSources;
import io.posrelay.runtime.config.ConfigSpec;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.log.LogFormat;
import io.posrelay.runtime.log.LogFormats;
import io.posrelay.runtime.log.LogKeys;
import io.posrelay.runtime.log.TopicCheckLogFilter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Runs a service as a process: its command line derived from its {@link ConfigSpec} (one flag per
 * key that is not a secret, a {@code true|false} key's flag alone meaning {@code true}; {@code
 * --config FILE}, {@code --print-config}, {@code --help}, {@code --version}), start, a ready line,
 * and a graceful stop on SIGTERM or Ctrl-C. A service whose table lists {@link LogKeys#ALL} gets its
 * console log format ({@code log-format}: text or json) applied before it starts ({@link
 * LogFormats}).
 *
 * <table>
 *   <caption>Exit codes</caption>
 *   <tr><td>0</td><td>stopped cleanly, or {@code --help}, {@code --version}, {@code
 *       --print-config}</td></tr>
 *   <tr><td>1</td><td>could not start: Kafka unreachable or refusing the credentials, a topic
 *       missing, a port in use; one log line says which</td></tr>
 *   <tr><td>2</td><td>bad configuration: an unknown flag or config-file key, a value out of range;
 *       one line on stderr names the key, what was expected and where the value came from</td></tr>
 *   <tr><td>3</td><td>failed while running: a part of the service died and could not be
 *       restarted ({@link RunningService#failure()}); one ERROR line says which, the service is
 *       stopped, and the orchestrator should start a new process</td></tr>
 * </table>
 */
public final class ServiceLauncher {
  private static final Logger log = LoggerFactory.getLogger(ServiceLauncher.class);

  /** Exit code of a service that failed while running ({@link RunningService#failure()}). */
  public static final int EXIT_FAILED = 3;

  /** A started service. */
  public interface RunningService extends AutoCloseable {
    /** One line for the log once the service is ready: where it listens. */
    String readyLine();

    /**
     * Completes, with one line saying what failed, when the service can no longer do its job and
     * cannot recover by itself (e.g. a Kafka reader that died and could not be restarted). The
     * launcher then stops the service and exits with {@value ServiceLauncher#EXIT_FAILED}, so
     * that the orchestrator replaces the process instead of keeping one that only looks alive.
     * Never completes exceptionally. By default it never completes.
     */
    default CompletionStage<String> failure() {
      return new CompletableFuture<>();
    }

    /** Stops the service gracefully; bounded in time; never throws. */
    @Override
    void close();
  }

  /** Starts a service from its validated configuration. */
  @FunctionalInterface
  public interface Starter {
    /**
     * @return the running service, ready
     * @throws InvalidConfigException if a value turns out unusable only when used (a TLS file)
     * @throws Exception if the service cannot start; the launcher reports it and exits 1
     */
    RunningService start(ServiceConfig config) throws Exception;
  }

  private ServiceLauncher() {}

  /**
   * Runs the service as this process's main program and exits the JVM with its exit code.
   *
   * @param args the command line
   */
  public static void main(ConfigSpec spec, Starter starter, String[] args) {
    System.exit(command(spec, starter, System.getenv()).execute(args));
  }

  /**
   * The service's command line, e.g. to run it as a subcommand of {@code relayctl}.
   *
   * @param env the environment to read {@code POSRELAY_*} variables from
   */
  public static CommandLine command(ConfigSpec spec, Starter starter, Map<String, String> env) {
    TopicCheckLogFilter.install();
    Launch launch = new Launch(spec, starter, env);
    CommandSpec command = CommandSpec.wrapWithoutInspection(launch);
    command.name(spec.service()).mixinStandardHelpOptions(true).version(version(spec));
    command.usageMessage()
        .width(100)
        .description(spec.description(),
            "Every option may also come from a POSRELAY_* environment variable or a --config file"
                + " (precedence: flag > environment > file > default); docs/configuration.md"
                + " lists every key.")
        .footer(footer(spec));
    for (ConfigKey<?> key : spec.keys()) {
      if (key.isSecret()) {
        continue;
      }
      List<String> names = new ArrayList<>();
      names.add(key.flag());
      key.flagAlias().ifPresent(names::add);
      OptionSpec.Builder builder = OptionSpec.builder(names.toArray(String[]::new))
          .paramLabel(key.valueLabel())
          .type(String.class)
          .description(describe(key));
      if (key.isBoolean()) {
        // A switch: "--flag" alone means true; "--flag false" and "--flag=false" still work.
        builder.arity("0..1").fallbackValue("true");
      }
      OptionSpec option = builder.build();
      command.addOption(option);
      launch.flags.put(option, key);
    }
    command.addOption(OptionSpec.builder("--config")
        .paramLabel("FILE")
        .type(Path[].class)
        .arity("1")
        .description("A Java properties file of keys as in docs/configuration.md; may be"
            + " repeated (a later file wins). An unknown key fails start-up (exit 2); kafka.*"
            + " keys pass through to the Kafka clients.")
        .build());
    command.addOption(OptionSpec.builder("--print-config")
        .arity("0")
        .description("Prints the effective configuration (secrets hidden) and exits.")
        .build());
    launch.command = command;
    return new CommandLine(command).setParameterExceptionHandler(ServiceLauncher::badArguments);
  }

  /**
   * A usage error: its message and a pointer to {@code --help}, exit 2. An unknown option is
   * named without the value that followed it, which may be a secret someone tried as a flag.
   */
  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      List<String> options = unmatched.getUnmatched().stream()
          .filter(a -> a.startsWith("-"))
          .map(a -> a.contains("=") ? a.substring(0, a.indexOf('=')) : a)
          .toList();
      err.println(e.getCommandLine().getCommandName() + ": unknown option(s) " + options
          + (unmatched.getSuggestions().isEmpty() ? ""
              : "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?")
          + " (a secret is never a flag: give it in a file or POSRELAY_* variable; see --help)");
    } else {
      err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage() + " (see --help)");
    }
    err.flush();
    return 2;
  }

  private static String describe(ConfigKey<?> key) {
    StringBuilder text = new StringBuilder(key.doc());
    text.append(" (key ").append(key.name()).append(", env ").append(key.env());
    if (!key.defaultText().isEmpty()) {
      text.append("; default ").append(key.defaultText());
    }
    if (!key.validValues().isEmpty()) {
      text.append("; ").append(key.validValues());
    }
    return text.append(')').toString();
  }

  private static String[] footer(ConfigSpec spec) {
    List<String> lines = new ArrayList<>();
    List<ConfigKey<?>> secrets = spec.keys().stream().filter(ConfigKey::isSecret).toList();
    if (!secrets.isEmpty()) {
      lines.add("");
      lines.add("Secrets come from the environment or a --config file, never from a flag:");
      secrets.forEach(k -> lines.add("  " + k.env() + " (" + k.name() + "): " + k.doc()));
    }
    lines.add("");
    lines.add("Kafka client properties pass through: kafka.<property> (every client),"
        + " kafka.producer|consumer|admin|streams.<property> (one kind), e.g."
        + " kafka.security.protocol=SASL_SSL, or POSRELAY_KAFKA_SASL_JAAS_CONFIG.");
    lines.add("Exit codes: 0 stopped cleanly, 1 could not start, 2 bad configuration, 3 failed"
        + " while running (a part died and could not be restarted).");
    return lines.toArray(String[]::new);
  }

  /** {@code --version}: the service and its build, e.g. {@code relay-server 0.1.0 (revision …)}. */
  private static String version(ConfigSpec spec) {
    return spec.service() + " " + BuildInfo.current();
  }

  /** The command's action: load the configuration, start, wait for the end. */
  private static final class Launch implements Callable<Integer> {
    private final ConfigSpec spec;
    private final Starter starter;
    private final Map<String, String> env;
    private final Map<OptionSpec, ConfigKey<?>> flags = new LinkedHashMap<>();
    private @Nullable CommandSpec command;

    Launch(ConfigSpec spec, Starter starter, Map<String, String> env) {
      this.spec = spec;
      this.starter = starter;
      this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
      CommandSpec cmd = command;
      if (cmd == null) {
        throw new IllegalStateException("not built by ServiceLauncher.command");
      }
      PrintWriter err = cmd.commandLine().getErr();
      ServiceConfig config;
      try {
        config = load(cmd);
      } catch (InvalidConfigException e) {
        err.println(spec.service() + ": " + e.getMessage());
        err.flush();
        return 2;
      }
      if (cmd.commandLine().getParseResult().hasMatchedOption("--print-config")) {
        cmd.commandLine().getOut().print(config.describe());
        cmd.commandLine().getOut().flush();
        return 0;
      }
      if (spec.key(LogKeys.LOG_FORMAT.name()).isPresent()) {
        LogFormats.apply(LogFormat.of(config.get(LogKeys.LOG_FORMAT)));
      }
      if (!config.kafka().unknownKeys().isEmpty()) {
        log.warn("{}: no Kafka client knows {}; passed on to every client as given",
            spec.service(), config.kafka().unknownKeys());
      }
      RunningService service;
      try {
        service = starter.start(config);
      } catch (InvalidConfigException e) {
        err.println(spec.service() + ": " + e.getMessage());
        err.flush();
        return 2;
      } catch (Exception e) {
        return reportStartFailure(spec.service(), e);
      }
      // SIGTERM and SIGINT end the wait: the service stops and the process exits 0, as an
      // orchestrator expects of a clean stop (the JVM's own signal handling would exit 143/130).
      // The shutdown hook stops the service on any other way out (System.exit elsewhere).
      CountDownLatch stop = new CountDownLatch(1);
      StopSignals.onTermOrInt(stop::countDown);
      Runtime.getRuntime().addShutdownHook(
          new Thread(service::close, "posrelay-" + spec.service() + "-shutdown"));
      AtomicReference<String> failed = new AtomicReference<>();
      service.failure().thenAccept(reason -> {
        failed.set(reason);
        stop.countDown();
      });
      log.info("{}", service.readyLine());
      stop.await();
      String reason = failed.get();
      if (reason != null) {
        log.error("{} failed: {}; stopping and exiting with {} so that the orchestrator starts a"
            + " new process", spec.service(), reason, EXIT_FAILED);
        service.close();
        return EXIT_FAILED;
      }
      log.info("{}: stopping", spec.service());
      service.close();
      log.info("{}: stopped", spec.service());
      return 0;
    }

    private ServiceConfig load(CommandSpec cmd) {
      Map<String, String> values = new LinkedHashMap<>();
      Map<String, String> flagNames = new LinkedHashMap<>();
      CommandLine.ParseResult parsed = cmd.commandLine().getParseResult();
      flags.forEach((option, key) -> {
        if (parsed.hasMatchedOption(option)) {
          values.put(key.name(), option.getValue());
          flagNames.put(key.name(), option.longestName());
        }
      });
      Path[] files = parsed.matchedOptionValue("--config", new Path[0]);
      return ConfigSources.load(spec, values, flagNames, env, List.of(files));
    }
  }

  /**
   * Logs why a service could not start, as one line: Kafka refusing its credentials or access, a
   * Kafka client setting Kafka itself rejects (exit 2: configuration), or an expected failure (a
   * topic missing, Kafka not answering, a port in use) with its causes' messages. The stack trace
   * goes to DEBUG; only an unexpected exception (a bug) logs it at ERROR.
   *
   * @return the exit code: 2 for configuration Kafka rejected, 1 otherwise
   */
  static int reportStartFailure(String service, Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
        log.error("{} cannot start: Kafka refused it ({}: {}); check the kafka.sasl.* and"
                + " kafka.ssl.* settings", service, cause.getClass().getSimpleName(),
            cause.getMessage());
        return 1;
      }
      if (cause instanceof ConfigException) {
        log.error("{} cannot start: a Kafka client setting was refused: {}", service,
            cause.getMessage());
        log.debug("{} start failure", service, e);
        return 2;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    if (e instanceof IllegalStateException || e instanceof KafkaException
        || e instanceof TimeoutException || e instanceof IOException
        || e instanceof UncheckedIOException) {
      log.error("{} cannot start: {}", service, messages(e));
      log.debug("{} start failure", service, e);
    } else {
      log.error("{} cannot start: {}", service, e.toString(), e);
    }
    return 1;
  }

  /** The messages of {@code e} and its causes, each once: {@code "a: b: c"}. */
  private static String messages(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage() == null ? cause.getClass().getSimpleName()
          : cause.getMessage();
      if (text.indexOf(message) < 0) {
        text.append(text.length() == 0 ? "" : ": ").append(message);
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return text.toString();
  }
}
