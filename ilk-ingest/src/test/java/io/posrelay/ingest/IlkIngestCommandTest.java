package io.posrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class IlkIngestCommandTest {

  @Test
  void flags_becomeTheConfig() {
    IlkIngestCommand command = new IlkIngestCommand();
    new CommandLine(command).parseArgs("--kafka", "k1:9092", "--host", "127.0.0.1", "--port", "0",
        "--publish-timeout-ms", "2000", "--max-body-bytes", "1024", "--max-in-flight", "7");

    IlkIngestConfig config = command.toConfig();

    assertThat(config.kafkaBootstrap()).isEqualTo("k1:9092");
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isZero();
    assertThat(config.publishTimeout()).isEqualTo(Duration.ofMillis(2000));
    assertThat(config.maxBodyBytes()).isEqualTo(1024);
    assertThat(config.maxInFlightPublishes()).isEqualTo(7);
  }

  @Test
  void badValue_exitsWith2_namingTheFlag() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new IlkIngestCommand()).setErr(new PrintWriter(err));

    int exit = cli.execute("--publish-timeout-ms", "5");

    assertThat(exit).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains("--publish-timeout-ms: 5 (expected: 100..300000)");
  }

  @Test
  void help_listsTheOptions() {
    String usage = new CommandLine(new IlkIngestCommand()).getUsageMessage();

    assertThat(usage).contains("ilk-ingest", "--kafka", "--host", "--port", "--publish-timeout-ms",
        "--max-body-bytes", "POSRELAY_KAFKA");
  }
}
