package io.posrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The relay node's settings as a client of admin-api: operator token and TLS trust. */
class AdminClientConfigTest {
  private static final String TOKEN = "relay-admin-client-token-0123456789abc";

  @TempDir Path dir;

  @Test
  void command_readsTheTokenFile_andTheCaFile() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    RelayServerCommand command = new RelayServerCommand();
    command.environment =
        Map.of("POSRELAY_ADMIN_TOKEN", "ignored-because-the-file-wins-0123456789")::get;
    new CommandLine(command).parseArgs("--admin-token-file", token.toString(),
        "--admin-tls-ca-file", ca.toString());

    RelayConfig config = command.toConfig();

    assertThat(config.adminToken()).isEqualTo(TOKEN);
    assertThat(config.adminTlsCaFile()).isEqualTo(ca);
    assertThat(config.toString()).contains("admin-token=(set)").doesNotContain(TOKEN);
  }

  @Test
  void command_takesTheTokenFromTheEnvironment_andDefaultsToNoneAndPlaintext() {
    RelayServerCommand withEnv = new RelayServerCommand();
    withEnv.environment = Map.of("POSRELAY_ADMIN_TOKEN", TOKEN)::get;
    new CommandLine(withEnv).parseArgs();
    assertThat(withEnv.toConfig().adminToken()).isEqualTo(TOKEN);

    RelayServerCommand none = new RelayServerCommand();
    none.environment = Map.<String, String>of()::get;
    new CommandLine(none).parseArgs();
    RelayConfig config = none.toConfig();
    assertThat(config.adminToken()).isEmpty();
    assertThat(config.adminTlsCaFile()).isNull();
  }

  @Test
  void badTokenOrCaFile_exitsWith2NamingTheSource_withoutTheSecret() {
    StringWriter err = new StringWriter();
    RelayServerCommand command = new RelayServerCommand();
    command.environment = Map.of("POSRELAY_ADMIN_TOKEN", "short-secret")::get;
    CommandLine cmd = new CommandLine(command).setErr(new PrintWriter(err, true));

    assertThat(cmd.execute()).isEqualTo(2);
    assertThat(err.toString()).contains("relay-server: POSRELAY_ADMIN_TOKEN: token 1 is not valid")
        .doesNotContain("short-secret");

    StringWriter err2 = new StringWriter();
    RelayServerCommand command2 = new RelayServerCommand();
    command2.environment = Map.<String, String>of()::get;
    CommandLine cmd2 = new CommandLine(command2).setErr(new PrintWriter(err2, true));
    assertThat(cmd2.execute("--admin-tls-ca-file", dir.resolve("missing.pem").toString()))
        .isEqualTo(2);
    assertThat(err2.toString()).contains("--admin-tls-ca-file: " + dir.resolve("missing.pem"));
  }

  @Test
  void builder_rejectsABadToken_withoutPrintingIt() {
    assertThatThrownBy(() -> RelayConfig.builder().adminToken("has a space in it, long enough!!!")
        .build())
        .hasMessage("admin-token: (33 characters, not shown) (expected: 32..1024 visible ASCII"
            + " characters, or empty for none)");
  }
}
