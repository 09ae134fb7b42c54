package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RelayCtlCommandLineTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = RelayCtl.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void noCommand_printsUsage_andIsUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Usage: relayctl", "pos-sim", "ilk-sim", "local", "demo");
  }

  @Test
  void help_listsCommands_andSucceeds() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("local", "demo", "pos-sim", "ilk-sim", "kafka", "ilk-ingest", "relay-server",
            "admin-api");
  }

  @Test
  void ilkSim_negativeRate_isUsageErrorNamingTheOption() {
    assertThat(run("ilk-sim", "--rate", "-1")).isEqualTo(2);
    assertThat(err.toString()).contains("--rate: -1.0 (expected: > 0");
  }

  @Test
  void ilkSim_nonNumericRate_isUsageErrorNamingTheOption() {
    assertThat(run("ilk-sim", "--rate", "fast")).isEqualTo(2);
    assertThat(err.toString()).contains("--rate");
  }

  @Test
  void ilkSim_ratioAboveOne_isUsageErrorNamingTheOption() {
    assertThat(run("ilk-sim", "--unconnected-ratio", "1.5")).isEqualTo(2);
    assertThat(err.toString()).contains("--unconnected-ratio: 1.5 (expected: 0..1)");
  }

  @Test
  void posSim_addressWithoutPort_isUsageErrorNamingTheOption() {
    assertThat(run("pos-sim", "--pos", "127.0.0.1:7001,localhost")).isEqualTo(2);
    assertThat(err.toString()).contains("--pos: 'localhost' (expected: HOST:PORT)");
  }

  @Test
  void posSim_portOutOfRange_isUsageErrorNamingTheOption() {
    assertThat(run("pos-sim", "--pos", "127.0.0.1:70000")).isEqualTo(2);
    assertThat(err.toString()).contains("--pos", "1..65535");
  }

  @Test
  void posSim_zeroTerminals_isUsageErrorNamingTheOption() {
    assertThat(run("pos-sim", "--terminals", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--terminals: 0 (expected: >= 1)");
  }

  @Test
  void local_badKafkaAddress_isUsageErrorNamingTheOption() {
    assertThat(run("local", "--kafka", "nohost")).isEqualTo(2);
    assertThat(err.toString()).contains("--kafka");
  }

  @Test
  void local_zeroPartitions_isUsageErrorNamingTheOption() {
    assertThat(run("local", "--partitions", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--partitions: 0 (expected: >= 1)");
  }

  @Test
  void demo_badRate_isUsageErrorNamingTheOption() {
    assertThat(run("demo", "--rate", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--rate: 0.0 (expected: > 0");
  }

  @Test
  void kafka_samePortForBrokerAndController_isUsageError() {
    assertThat(run("kafka", "--port", "19092", "--controller-port", "19092")).isEqualTo(2);
    assertThat(err.toString()).contains("--controller-port: 19092");
  }
}
