package io.posrelay.it;

import io.posrelay.ingest.IlkIngestCommand;
import io.posrelay.relay.RelayKeys;
import io.posrelay.relay.RelayServer;
import io.posrelay.relay.RelayServerCommand;
import io.posrelay.runtime.ServiceLauncher;
import io.posrelay.testkit.cluster.ChildGuard;
import io.posrelay.testkit.cluster.ChildLauncher;
import io.posrelay.testkit.cluster.ChildProcess;
import io.posrelay.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A process for drills that need a real {@code kill -9} or a real exit: {@code relay-server} and
 * {@code ilk-ingest} (the services' own commands), {@code relay-server-poisoned} (the same, with a results handler that
 * throws on every result whose result_id starts with {@value #POISON}, as a handler bug would) or
 * {@code kafka} (the test kit's {@link EmbeddedKafka}) in a child JVM on this test's
 * class path, started as a test kit {@link ChildProcess}, whose {@link ChildProcess#kill()} is
 * SIGKILL: no shutdown hook, drain or flush runs. The child follows this JVM ({@link
 * ChildGuard}): it exits if the tests die. {@code relay-server}'s and {@code ilk-ingest}'s flags
 * are the services' own ({@code RelayKeys}, {@code IngestKeys}); {@code kafka}'s are those of relayctl's command of the same name.
 */
@Command(name = "drill-child", subcommands = DrillChild.Kafka.class)
final class DrillChild implements Callable<Integer> {
  private static final ChildLauncher LAUNCHER = new ChildLauncher(DrillChild.class.getName(),
      "java -cp <test classpath> " + DrillChild.class.getName());
  /** Results whose result_id starts with this make {@code relay-server-poisoned}'s handler throw. */
  static final String POISON = "POISON-";
  private static final List<String> JAVA_OPTIONS =
      List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /** Runs one command of a drill child; the JVM exits with its exit code. */
  public static void main(String[] args) {
    ChildGuard.installIfChild();
    CommandLine commandLine = new CommandLine(new DrillChild());
    commandLine.addSubcommand(RelayServerCommand.command(System.getenv()));
    commandLine.addSubcommand(IlkIngestCommand.command(System.getenv()));
    commandLine.addSubcommand("relay-server-poisoned", ServiceLauncher.command(RelayKeys.SPEC,
        config -> RelayServer.start(config, result -> {
          if (result.getResultId().startsWith(POISON)) {
            throw new IllegalStateException("drill: handler bug on " + result.getResultId());
          }
        }), System.getenv()));
    System.exit(commandLine.execute(args));
  }

  /**
   * Starts {@code args} (a command and its flags) in a new JVM (small heap, serial GC), its output
   * in {@code logFile}.
   */
  static ChildProcess start(String name, List<String> args, Path logFile) throws IOException {
    return ChildProcess.start(name, LAUNCHER, JAVA_OPTIONS, args, logFile);
  }

  @Override
  public Integer call() {
    return CommandLine.ExitCode.USAGE;
  }

  /** {@code kafka}: a single-node KRaft broker on 127.0.0.1, until SIGTERM (or SIGKILL). */
  @Command(name = "kafka")
  static final class Kafka implements Callable<Integer> {
    @Option(names = "--data-dir", required = true)
    Path dataDir = Path.of("");

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--controller-port", required = true)
    int controllerPort;

    @Option(names = "--partitions", defaultValue = "3")
    int partitions;

    @Override
    public Integer call() throws IOException {
      EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port, controllerPort, partitions);
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kafka-shutdown"));
      kafka.awaitShutdown();
      return 0;
    }
  }
}
