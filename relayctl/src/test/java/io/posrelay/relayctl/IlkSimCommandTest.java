package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.testkit.ilk.IlkSimulatorConfig;
import io.posrelay.testkit.secure.SecureMaterial;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IlkSimCommandTest {

  private static final String SECRET = "ilk-sim-test-secret-0123456789abcdef";

  @TempDir Path dir;

  private static IlkSimCommand command(String envSecrets) {
    IlkSimCommand command = new IlkSimCommand();
    command.env = name -> name.equals("POSRELAY_ILK_SECRETS") ? envSecrets : null;
    return command;
  }

  @Test
  void secretFile_andCaFile_becomeTheConfig() throws Exception {
    Path secrets = Files.writeString(dir.resolve("ilk.secrets"), SECRET + "\n");
    SecureMaterial secure = SecureMaterial.createOrReuse(dir.resolve("secure"));
    IlkSimCommand command = command(null);
    new CommandLine(command).parseArgs("--ilk-secret-file", secrets.toString(),
        "--tls-ca-file", secure.caCertFile().toString(),
        "--url", "https://127.0.0.1:8443/ilk/v1/results");

    IlkSimulatorConfig config = command.toConfig();

    assertThat(config.signingSecrets()).isPresent();
    assertThat(config.tlsCaFile()).contains(secure.caCertFile());
    assertThat(config.url().getScheme()).isEqualTo("https");
  }

  @Test
  void secretFromTheEnvironment_whenNoFileIsGiven() {
    IlkSimCommand command = command(SECRET);
    new CommandLine(command).parseArgs();

    assertThat(command.toConfig().signingSecrets()).isPresent();
  }

  @Test
  void noSecret_meansUnsigned() {
    IlkSimCommand command = command(null);
    new CommandLine(command).parseArgs();

    assertThat(command.toConfig().signingSecrets()).isEmpty();
  }

  @Test
  void badSecret_isAUsageError_namingTheVariable_neverTheSecret() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command("tiny-secret")).setErr(new PrintWriter(err));

    assertThat(cli.execute("--count", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("POSRELAY_ILK_SECRETS: secret 1 has 11 characters")
        .doesNotContain("tiny-secret");
  }

  @Test
  void help_namesTheSecurityOptions() {
    assertThat(new CommandLine(new IlkSimCommand()).getUsageMessage())
        .contains("--ilk-secret-file", "POSRELAY_ILK_SECRETS", "--tls-ca-file", "--secure");
  }

  @Test
  void secure_takesTheSecretAndCaFromTheSecureDir_andUsesHttps() throws Exception {
    Path secureDir = dir.resolve("secure");
    SecureMaterial.createOrReuse(secureDir);
    IlkSimCommand command = command(null);
    new CommandLine(command).parseArgs("--secure", "--secure-dir", secureDir.toString());

    IlkSimulatorConfig config = command.toConfig();

    assertThat(config.signingSecrets()).isPresent();
    assertThat(config.tlsCaFile()).contains(secureDir.resolve("ca.pem"));
    assertThat(config.url()).hasToString("https://127.0.0.1:8080/ilk/v1/results");
  }

  @Test
  void secure_withoutALocalSecureCluster_isAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command(null)).setErr(new PrintWriter(err));

    assertThat(cli.execute("--secure", "--secure-dir", dir.resolve("none").toString(),
        "--count", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("--secure:");
  }
}
