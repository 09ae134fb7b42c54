package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** relayctl topics create|check on a real broker, with topic names from a services' config file. */
@ExtendWith(TestKafka.Shared.class)
class TopicsCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = RelayCtl.newCommandLine().setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** A config file a service would take: topic names, plus keys topics has no use for. */
  private Path deploymentFile(String prefix) throws Exception {
    return Files.writeString(dir.resolve(prefix + ".properties"),
        "topic.results=" + prefix + ".results\ntopic.claims=" + prefix + ".claims\n"
            + "topic.sessions=" + prefix + ".sessions\n"
            + "topic.delivery-events=" + prefix + ".events\n"
            + "topic.receipts-dlq=" + prefix + ".receipts-dlq\n"
            + "ack-timeout.ms=5000\nnode-id=relay-1\n");
  }

  @Test
  void create_makesTheNamedTopics_andCheckThenFindsThemAsTheServicesNeed(TestKafka kafka)
      throws Exception {
    Path config = deploymentFile("tc" + Long.toString(System.nanoTime(), 36));

    assertThat(run("topics", "create", "--config", config.toString(), "--kafka",
        kafka.bootstrapServers(), "--partitions", "2", "--replication-factor", "1",
        "--min-insync-replicas", "1")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("created ").contains(".results (2 partitions")
        .contains(".sessions").contains("topics OK");

    out.getBuffer().setLength(0);
    assertThat(run("topics", "check", "--config", config.toString(), "--kafka",
        kafka.bootstrapServers(), "--replication-factor", "1", "--min-insync-replicas", "1"))
        .as(err.toString()).isZero();
    assertThat(out.toString()).contains("compact").contains("topics OK");

    assertThat(run("topics", "check", "--config", config.toString(), "--kafka",
        kafka.bootstrapServers())).isEqualTo(1);
    assertThat(err.toString()).contains("replication factor 1 (expected: 3)")
        .contains("min.insync.replicas 1 (expected: 2)");
  }

  @Test
  void check_namesAMissingTopic_andResultsAndClaimsOfDifferentPartitionCounts(TestKafka kafka)
      throws Exception {
    String prefix = "tm" + Long.toString(System.nanoTime(), 36);
    Path config = deploymentFile(prefix);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(prefix + ".results", 3, (short) 1),
          new NewTopic(prefix + ".claims", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    assertThat(run("topics", "check", "--config", config.toString(), "--kafka",
        kafka.bootstrapServers(), "--replication-factor", "1", "--min-insync-replicas", "1"))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains(prefix + ".sessions: does not exist")
        .contains(prefix + ".claims: 2 partitions but " + prefix + ".results has 3 (the ledger"
            + " joins them partition by partition: they must be equal)");
  }

  @Test
  void badOption_isAUsageError() {
    assertThat(run("topics", "check", "--replication-factor", "1", "--min-insync-replicas", "2"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--min-insync-replicas 2");
  }
}
