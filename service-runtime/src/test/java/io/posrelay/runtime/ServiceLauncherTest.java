package io.posrelay.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.runtime.config.ConfigKey;
import io.posrelay.runtime.config.ConfigSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line the launcher derives from a key table. */
class ServiceLauncherTest {
  private static final ConfigKey<Boolean> SWITCH =
      ConfigKey.bool("strict-mode", false, "A switch.");
  private static final ConfigSpec SPEC = ConfigSpec.builder("test-service", "A test service.")
      .keys(SWITCH, ConfigKey.port("port", 1234, "A port."))
      .build();

  @Test
  void booleanFlag_aloneMeansTrue_andStillTakesAValue() {
    assertThat(printConfig("--strict-mode", "--port", "1")).contains("strict-mode=true\n")
        .contains("port=1\n");
    assertThat(printConfig("--strict-mode", "false")).contains("strict-mode=false\n");
    assertThat(printConfig("--strict-mode=true")).contains("strict-mode=true\n");
    assertThat(printConfig()).contains("strict-mode=false\n");
  }

  @Test
  void booleanFlag_withAnotherWord_isBadConfiguration() {
    StringWriter err = new StringWriter();
    CommandLine cmd = ServiceLauncher.command(SPEC, config -> {
      throw new AssertionError("must not start");
    }, Map.of()).setErr(new PrintWriter(err, true));

    assertThat(cmd.execute("--strict-mode", "maybe")).isEqualTo(2);
    assertThat(err.toString()).contains("strict-mode: maybe (expected: true or false)");
  }

  private static String printConfig(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = ServiceLauncher.command(SPEC, config -> {
      throw new AssertionError("must not start");
    }, Map.of()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--print-config";
    assertThat(cmd.execute(all)).as(err.toString()).isZero();
    return out.toString();
  }
}
