package io.posrelay.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.posrelay.runtime.config.Checks;
import io.posrelay.runtime.config.ConfigKey;
import io.posrelay.runtime.config.ConfigSpec;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.log.LogKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** The command line a service gets from its key table, and its exit codes. */
class ServiceLauncherTest {
  static final ConfigKey<Duration> TIMEOUT = ConfigKey.millis("ack-timeout.ms",
      Duration.ofSeconds(5), Checks.atLeast(1), "How long a terminal has to ack.");
  static final ConfigKey<String> BOOTSTRAP = ConfigKey.string("kafka.bootstrap.servers",
      "127.0.0.1:9092", Checks.hostAndPorts(), "Kafka.").withFlagAlias("--kafka");
  static final ConfigKey<Optional<String>> SECRET = ConfigKey.secret("terminal-secrets",
      "The secrets.");
  static final ConfigSpec SPEC = ConfigSpec.builder("test-service", "Does what tests need.")
      .keys(TIMEOUT, BOOTSTRAP, SECRET).build();

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine command(ServiceLauncher.Starter starter, Map<String, String> env) {
    return ServiceLauncher.command(SPEC, starter, env).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
  }

  private static ServiceLauncher.Starter never() {
    return config -> {
      throw new AssertionError("must not start");
    };
  }

  @Test
  void help_listsEveryFlagWithItsVariableAndDefault_andSecretsOnlyAsVariables() {
    assertThat(command(never(), Map.of()).execute("--help")).isEqualTo(0);

    // picocli wraps long descriptions, also after a dot inside a key name
    String help = out.toString().replaceAll("\\s+", " ").replace(". ms", ".ms");
    assertThat(help)
        .contains("--ack-timeout-ms=MS")
        .contains("(key ack-timeout.ms, env POSRELAY_ACK_TIMEOUT_MS; default 5000; >= 1)")
        .contains("--kafka-bootstrap-servers", "--kafka")
        .contains("--config=FILE", "--print-config")
        .contains("POSRELAY_TERMINAL_SECRETS (terminal-secrets)")
        .doesNotContain("--terminal-secrets");
  }

  @Test
  void unknownKeyInTheConfigFile_exits2NamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("service.properties"), "ack-timeot.ms=10\n");

    assertThat(command(never(), Map.of()).execute("--config", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("test-service: ack-timeot.ms: unknown key, from file "
        + file);
  }

  @Test
  void unknownFlag_exits2() {
    assertThat(command(never(), Map.of()).execute("--ack-timeout", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("test-service: unknown option(s) [--ack-timeout]; did you"
        + " mean --ack-timeout-ms?");
  }

  @Test
  void aSecretTriedAsAFlag_isRefused_withoutRepeatingIt() {
    assertThat(command(never(), Map.of()).execute("--terminal-secrets",
        "abcdefghij0123456789abcdefghij0123456789")).isEqualTo(2);
    assertThat(command(never(), Map.of()).execute("--terminal-secrets=s3cr3t-in-a-flag-0123456789"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("unknown option(s) [--terminal-secrets]")
        .contains("a secret is never a flag")
        .doesNotContain("abcdefghij").doesNotContain("s3cr3t");
  }

  @Test
  void expectedStartFailures_areOneLine_andKafkaRefusingASetting_isExit2() {
    Logger log = (Logger) LoggerFactory.getLogger(ServiceLauncher.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    log.addAppender(logs);
    try {
      assertThat(command(config -> {
        throw new IllegalStateException("topic(s) [posrelay.claims] do not exist");
      }, Map.of()).execute()).isEqualTo(1);
      assertThat(command(config -> {
        throw new org.apache.kafka.common.KafkaException("Failed to construct kafka producer",
            new org.apache.kafka.common.config.ConfigException(
                "Must set acks to all in order to use the idempotent producer."));
      }, Map.of()).execute()).isEqualTo(2);
    } finally {
      log.detachAppender(logs);
    }
    assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.ERROR)
        .extracting(ILoggingEvent::getFormattedMessage).containsExactly(
            "test-service cannot start: topic(s) [posrelay.claims] do not exist",
            "test-service cannot start: a Kafka client setting was refused: Must set acks to all"
                + " in order to use the idempotent producer.");
    assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.ERROR)
        .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
  }

  @Test
  void printConfig_showsEffectiveValuesAndSources_neverASecret() throws Exception {
    Path file = Files.writeString(dir.resolve("service.properties"), "ack-timeout.ms=10\n");

    assertThat(command(never(), Map.of("POSRELAY_TERMINAL_SECRETS", "top-secret-value"))
        .execute("--config", file.toString(), "--kafka", "[::1]:9092", "--print-config"))
        .isEqualTo(0);
    assertThat(out.toString())
        .contains("# from file " + file + "\nack-timeout.ms=10\n")
        .contains("# from --kafka-bootstrap-servers\nkafka.bootstrap.servers=[::1]:9092\n")
        .contains("#terminal-secrets=[hidden]")
        .doesNotContain("top-secret-value");
  }

  @Test
  void configRejectedAtStart_exits2() {
    assertThat(command(config -> {
      throw new InvalidConfigException("tls-key-file: k.pem (expected: a PEM key)");
    }, Map.of()).execute()).isEqualTo(2);
    assertThat(err.toString()).contains("test-service: tls-key-file: k.pem (expected: a PEM key)");
  }

  @Test
  void refusedKafkaCredentials_exit1_withOneLineAndNoStackTrace() {
    Logger log = (Logger) LoggerFactory.getLogger(ServiceLauncher.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    log.addAppender(logs);
    try {
      assertThat(command(config -> {
        throw new IllegalStateException("topic check failed", new SaslAuthenticationException(
            "Authentication failed during authentication due to invalid credentials with SASL"
                + " mechanism SCRAM-SHA-512"));
      }, Map.of()).execute()).isEqualTo(1);
    } finally {
      log.detachAppender(logs);
    }
    assertThat(logs.list).hasSize(1);
    ILoggingEvent line = logs.list.get(0);
    assertThat(line.getLevel()).isEqualTo(Level.ERROR);
    assertThat(line.getFormattedMessage()).contains("test-service cannot start: Kafka refused it",
        "SaslAuthenticationException", "invalid credentials");
    assertThat(line.getThrowableProxy()).isNull();
  }

  @Test
  void theStarterGetsTheValidatedConfig() {
    AtomicReference<ServiceConfig> seen = new AtomicReference<>();
    command(config -> {
      seen.set(config);
      throw new IllegalStateException("stop here");
    }, Map.of("POSRELAY_ACK_TIMEOUT_MS", "1500")).execute("--kafka", "k1:9092,k2:9092");

    assertThat(seen.get().get(TIMEOUT)).isEqualTo(Duration.ofMillis(1500));
    assertThat(seen.get().get(BOOTSTRAP)).isEqualTo("k1:9092,k2:9092");
  }

  @Test
  void aServiceThatFailsWhileRunning_isStopped_andExits3_withOneErrorLineNamingWhatFailed() {
    Logger log = (Logger) LoggerFactory.getLogger(ServiceLauncher.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    log.addAppender(logs);
    CompletableFuture<String> failure = new CompletableFuture<>();
    AtomicInteger closes = new AtomicInteger();
    ServiceLauncher.RunningService service = new ServiceLauncher.RunningService() {
      @Override
      public String readyLine() {
        // the launcher logs this line, then waits; the service fails after it is ready
        failure.complete("results reader died 4 times within 10 min");
        return "test-service ready";
      }

      @Override
      public CompletionStage<String> failure() {
        return failure;
      }

      @Override
      public void close() {
        closes.incrementAndGet();
      }
    };
    int exit;
    try {
      exit = command(config -> service, Map.of()).execute();
    } finally {
      log.detachAppender(logs);
      // the launcher took over SIGTERM and SIGINT; give them back to the JVM (surefire's fork)
      Signal.handle(new Signal("TERM"), SignalHandler.SIG_DFL);
      Signal.handle(new Signal("INT"), SignalHandler.SIG_DFL);
    }

    assertThat(exit).isEqualTo(ServiceLauncher.EXIT_FAILED).isEqualTo(3);
    assertThat(closes.get()).isEqualTo(1);
    assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.ERROR)
        .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
        .contains("test-service failed: results reader died 4 times within 10 min")
        .contains("exiting with 3");
  }

  static final ConfigKey<Boolean> SWITCH = ConfigKey.bool("strict-mode", false, "A switch.");
  static final ConfigSpec SWITCH_SPEC = ConfigSpec.builder("test-service", "A test service.")
      .keys(SWITCH, ConfigKey.port("port", 1234, "A port."))
      .build();

  @Test
  void booleanFlag_aloneMeansTrue_andStillTakesAValue() {
    assertThat(switchPrintConfig("--strict-mode", "--port", "1")).contains("strict-mode=true\n")
        .contains("port=1\n");
    assertThat(switchPrintConfig("--strict-mode", "false")).contains("strict-mode=false\n");
    assertThat(switchPrintConfig("--strict-mode=true")).contains("strict-mode=true\n");
    assertThat(switchPrintConfig()).contains("strict-mode=false\n");
  }

  @Test
  void booleanFlag_withAnotherWord_isBadConfiguration() {
    CommandLine cmd = ServiceLauncher.command(SWITCH_SPEC, never(), Map.of())
        .setErr(new PrintWriter(err, true));

    assertThat(cmd.execute("--strict-mode", "maybe")).isEqualTo(2);
    assertThat(err.toString()).contains("strict-mode: maybe (expected: true or false)");
  }

  static final ConfigSpec LOGGING_SPEC = ConfigSpec.builder("test-service", "A test service.")
      .keys(LogKeys.ALL)
      .build();

  @Test
  void logFormat_isAKeyOfEveryServiceThatListsIt_textOrJsonOnly() {
    StringWriter output = new StringWriter();
    CommandLine cmd = ServiceLauncher.command(LOGGING_SPEC, never(),
            Map.of("POSRELAY_LOG_FORMAT", "JSON"))
        .setOut(new PrintWriter(output, true)).setErr(new PrintWriter(err, true));
    assertThat(cmd.execute("--print-config")).as(err.toString()).isZero();
    assertThat(output.toString()).contains("log-format=JSON");

    CommandLine bad = ServiceLauncher.command(LOGGING_SPEC, never(), Map.of())
        .setErr(new PrintWriter(err, true));
    assertThat(bad.execute("--log-format", "xml")).isEqualTo(2);
    assertThat(err.toString()).contains("log-format: xml").contains("text|json");
  }

  private String switchPrintConfig(String... args) {
    StringWriter output = new StringWriter();
    CommandLine cmd = ServiceLauncher.command(SWITCH_SPEC, never(), Map.of())
        .setOut(new PrintWriter(output, true)).setErr(new PrintWriter(err, true));
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--print-config";
    assertThat(cmd.execute(all)).as(err.toString()).isZero();
    return output.toString();
  }
}
