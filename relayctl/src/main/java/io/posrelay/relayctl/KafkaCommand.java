package io.posrelay.relayctl;

import io.posrelay.testkit.kafka.EmbeddedKafka;
import io.posrelay.testkit.kafka.KafkaTopics;
import io.posrelay.testkit.secure.SecureMaterial;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code relayctl kafka}: a single-node KRaft Kafka broker in this process, until SIGTERM. */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = {
      "A single-node Kafka (KRaft) on 127.0.0.1 in this process, until Ctrl-C.",
      "Broker and controller in one process, for local runs only ('local' starts it for you)."
    })
final class KafkaCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(KafkaCommand.class);

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:POSRELAY_HOME:-.}/.posrelay/kafka",
      description = "Directory for server.properties and the log directory (default: ${DEFAULT-VALUE}).")
  Path dataDir = Path.of(".posrelay/kafka");

  @Option(
      names = "--port",
      defaultValue = "9092",
      description = "PLAINTEXT (client) listener port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--controller-port",
      defaultValue = "9093",
      description = "CONTROLLER listener port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(
      names = "--secure-dir",
      paramLabel = "DIR",
      description = "Take SASL_SSL only (SCRAM-SHA-512 over TLS) with the users and certificate"
          + " of this secure directory ('local --secure' creates it); plaintext clients are"
          + " refused. Default: plaintext.")
  @Nullable Path secureDir;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "Default partition count of new topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public Integer call() throws Exception {
    EmbeddedKafka kafka;
    try {
      kafka = EmbeddedKafka.start(dataDir, port, controllerPort, partitions,
          secureDir == null ? null : SecureMaterial.existing(secureDir).kafkaSecurity());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kafka-shutdown"));
    KafkaTopics.awaitReady(kafka.bootstrapServers(), secureDir == null ? Map.of()
        : SecureMaterial.existing(secureDir).kafkaClientProperties(), READY_TIMEOUT);
    log.info(
        "Kafka ready: bootstrap={} ({}) controller={}:{} data-dir={}",
        kafka.bootstrapServers(),
        secureDir == null ? "PLAINTEXT" : "SASL_SSL, SCRAM-SHA-512",
        EmbeddedKafka.HOST,
        controllerPort,
        dataDir.toAbsolutePath().normalize());
    kafka.awaitShutdown();
    log.info("Kafka stopped");
    return 0;
  }
}
