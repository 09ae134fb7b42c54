package io.posrelay.relayctl.topics;

import io.posrelay.runtime.config.ConfigSources;
import io.posrelay.runtime.config.ConfigSpec;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.kafka.TopicCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code relayctl topics create|check}: POS Relay's topics on a cluster, named and reached as the
 * services name and reach them: the {@code topic.*} and {@code kafka.*} keys of the same {@code
 * --config} files and {@code POSRELAY_*} variables (docs/configuration.md). Exit codes: 0 the
 * topics are as the services need, 1 they are not (each problem one line) or Kafka failed, 2 a
 * bad option or config key.
 */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Creates POS Relay's topics, or checks existing ones.",
    subcommands = {TopicsCommand.Create.class, TopicsCommand.Check.class})
public final class TopicsCommand implements Callable<Integer> {
  /** The keys {@code topics} reads: where Kafka is and what the topics are called. */
  static final ConfigSpec SPEC = ConfigSpec.builder("relayctl topics",
          "POS Relay's topics: their names and the cluster they are on.")
      .keys(KafkaKeys.DEPLOYMENT)
      .kafka(TopicCheck.ROLE)
      .build();

  @Spec CommandSpec spec;

  /** Without a subcommand: the usage, exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** The options of both subcommands. */
  static final class Target {
    @Option(names = "--config", paramLabel = "FILE",
        description = "A config file of the services (topic.* and kafka.* keys are read, others"
            + " ignored); may be repeated.")
    List<Path> configs = new ArrayList<>();

    @Option(names = "--kafka", paramLabel = "HOST:PORT[,HOST:PORT...]",
        description = "Kafka bootstrap servers (wins over kafka.bootstrap.servers of the files"
            + " and POSRELAY_KAFKA_BOOTSTRAP_SERVERS; default 127.0.0.1:9092).")
    @Nullable String kafka;

    @Option(names = "--replication-factor", defaultValue = "3",
        description = "Replicas of each topic (default: ${DEFAULT-VALUE}, as in production;"
            + " 'local' uses 1).")
    short replicationFactor;

    @Option(names = "--min-insync-replicas", defaultValue = "2",
        description = "min.insync.replicas of each topic (default: ${DEFAULT-VALUE}).")
    int minInsyncReplicas;

    @Option(names = "--timeout-s", defaultValue = "30",
        description = "Bound of each call to Kafka in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    TopicAudit audit(CommandSpec spec) {
      if (replicationFactor < 1 || minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor
          || timeoutSeconds < 1) {
        throw new ParameterException(spec.commandLine(), "--replication-factor "
            + replicationFactor + ", --min-insync-replicas " + minInsyncReplicas
            + ", --timeout-s " + timeoutSeconds
            + " (expected: 1 <= min-insync-replicas <= replication-factor, timeout >= 1)");
      }
      ServiceConfig config;
      try {
        config = ConfigSources.load(SPEC,
            kafka == null ? Map.of() : Map.of(KafkaKeys.BOOTSTRAP_SERVERS.name(), kafka),
            Map.of(KafkaKeys.BOOTSTRAP_SERVERS.name(), "--kafka"), System.getenv(),
            List.copyOf(configs), true);
      } catch (InvalidConfigException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      Duration timeout = Duration.ofSeconds(timeoutSeconds);
      Map<String, Object> admin = config.kafka().properties(TopicCheck.ROLE, Map.of(
          CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.get(KafkaKeys.BOOTSTRAP_SERVERS),
          CommonClientConfigs.CLIENT_ID_CONFIG, "posrelay-relayctl" + TopicCheck.CLIENT_ID_SUFFIX,
          CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
          // Kafka requires request.timeout.ms <= default.api.timeout.ms
          CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
          (int) Math.min(timeout.toMillis(), 30_000)));
      return new TopicAudit(admin, KafkaKeys.topics(config), timeout);
    }
  }

  /** {@code topics create}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates the topics that do not exist (existing ones are left as they are),"
          + " then checks them all.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Target target = new Target();

    @Option(names = "--partitions", defaultValue = "6",
        description = "Partitions of each new topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
      if (partitions < 1) {
        throw new ParameterException(spec.commandLine(),
            "--partitions: " + partitions + " (expected: >= 1)");
      }
      TopicAudit audit = target.audit(spec);
      PrintWriter out = spec.commandLine().getOut();
      audit.create(partitions, target.replicationFactor, target.minInsyncReplicas)
          .forEach(out::println);
      return report(audit, target, spec);
    }
  }

  /** {@code topics check}. */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Checks that the topics exist as the services need them: results and claims"
          + " with the same partitions, sessions compacted, the replication asked for.")
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Target target = new Target();

    @Override
    public Integer call() throws Exception {
      return report(target.audit(spec), target, spec);
    }
  }

  private static int report(TopicAudit audit, Target target, CommandSpec spec) throws Exception {
    List<TopicAudit.Found> found = audit.describe();
    PrintWriter out = spec.commandLine().getOut();
    out.println(String.format(Locale.ROOT, "%-32s %10s %11s %16s  %s", "TOPIC", "PARTITIONS",
        "REPLICATION", "MIN.INSYNC", "CLEANUP"));
    found.forEach(f -> out.println(String.format(Locale.ROOT, "%-32s %10d %11d %16d  %s",
        f.name(), f.partitions(), f.replicationFactor(), f.minInsyncReplicas(),
        f.cleanupPolicy())));
    List<String> problems =
        audit.problems(found, target.replicationFactor, target.minInsyncReplicas);
    PrintWriter err = spec.commandLine().getErr();
    problems.forEach(p -> err.println("problem: " + p));
    out.println(problems.isEmpty() ? "topics OK" : problems.size() + " problem(s)");
    out.flush();
    err.flush();
    return problems.isEmpty() ? 0 : 1;
  }
}
