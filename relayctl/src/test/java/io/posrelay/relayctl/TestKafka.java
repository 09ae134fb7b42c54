package io.posrelay.relayctl;

import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.testkit.kafka.EmbeddedKafka;
import io.posrelay.testkit.kafka.KafkaTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A single-broker Kafka for relayctl's tests of whole clusters: the test kit's {@link
 * EmbeddedKafka} in this JVM, on free ports, in a temporary directory, with the POS Relay topics.
 * One for the whole test run, started on first use and closed when the run ends (the root
 * context's store), as a test class that says {@code @ExtendWith(TestKafka.Shared.class)} and
 * takes a {@code TestKafka} parameter. Tests share topics, so each uses terminal ids of its own.
 */
final class TestKafka implements AutoCloseable {
  /** Partitions per topic: more than one, so per-partition ordering and broadcast are exercised. */
  static final int PARTITIONS = 3;

  private final EmbeddedKafka kafka;
  private final Path dir;

  private TestKafka(EmbeddedKafka kafka, Path dir) {
    this.kafka = kafka;
    this.dir = dir;
  }

  private static TestKafka start() throws Exception {
    Path dir = Files.createTempDirectory("relayctl-test-kafka");
    EmbeddedKafka kafka = EmbeddedKafka.start(dir, LocalPorts.pickFree(), LocalPorts.pickFree(),
        PARTITIONS);
    try {
      KafkaTopics.awaitReady(kafka.bootstrapServers(), Duration.ofSeconds(60));
      KafkaTopics.create(kafka.bootstrapServers(), PARTITIONS, Duration.ofSeconds(60));
      return new TestKafka(kafka, dir);
    } catch (Exception | Error e) {
      kafka.close();
      throw e;
    }
  }

  /** {@code 127.0.0.1:PORT}. */
  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public void close() throws IOException {
    kafka.close();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** The JUnit extension that starts the shared broker and injects it. */
  static final class Shared implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(Shared.class);

    @Override
    public void beforeAll(ExtensionContext context) {
      kafka(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return kafka(context);
    }

    private static TestKafka kafka(ExtensionContext context) {
      // An AutoCloseable in the root store is closed when the whole run ends.
      return context.getRoot().getStore(NAMESPACE)
          .getOrComputeIfAbsent("kafka", key -> startOrFail(), TestKafka.class);
    }

    private static TestKafka startOrFail() {
      try {
        return TestKafka.start();
      } catch (Exception e) {
        throw new IllegalStateException("could not start the embedded Kafka broker", e);
      }
    }
  }
}
