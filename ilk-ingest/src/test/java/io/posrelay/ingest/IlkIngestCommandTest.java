package io.posrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.testkit.secure.TestCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IlkIngestCommandTest {

  @TempDir Path dir;

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
  void securityFlags_becomeTheConfig() throws Exception {
    Path secrets = Files.writeString(dir.resolve("ilk.secrets"),
        IlkSecretsTest.CURRENT + "\n" + IlkSecretsTest.PREVIOUS + "\n");
    IlkIngestCommand command = new IlkIngestCommand();
    new CommandLine(command).parseArgs("--ilk-secret-file", secrets.toString(),
        "--signature-max-skew.ms", "60000", "--request-deadline-ms", "2500");

    IlkIngestConfig config = command.toConfig();

    assertThat(config.signingSecrets()).get().extracting(IlkSecrets::size).isEqualTo(2);
    assertThat(config.signatureMaxSkew()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.requestDeadline()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void secretsFromTheEnvironment_whenNoFileIsGiven() {
    IlkIngestCommand command = new IlkIngestCommand();
    command.env = name -> name.equals("POSRELAY_ILK_SECRETS") ? IlkSecretsTest.CURRENT : null;
    new CommandLine(command).parseArgs("--signature-max-skew-ms", "1000");

    assertThat(command.toConfig().signingSecrets()).get().extracting(IlkSecrets::size)
        .isEqualTo(1);
  }

  @Test
  void noSecrets_meansSignaturesOff() {
    IlkIngestCommand command = new IlkIngestCommand();
    command.env = name -> null;
    new CommandLine(command).parseArgs();

    assertThat(command.toConfig().signingSecrets()).isEmpty();
    assertThat(command.toConfig().tlsCertFile()).isEmpty();
  }

  @Test
  void badSecret_exitsWith2_namingTheVariable_neverTheSecret() {
    String shortSecret = "short-and-secret";
    StringWriter err = new StringWriter();
    IlkIngestCommand command = new IlkIngestCommand();
    command.env = name -> name.equals("POSRELAY_ILK_SECRETS") ? shortSecret : null;
    CommandLine cli = new CommandLine(command).setErr(new PrintWriter(err));

    int exit = cli.execute("--port", "0");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("POSRELAY_ILK_SECRETS: secret 1 has 16 characters")
        .doesNotContain(shortSecret);
  }

  @Test
  void tlsFlags_loadTheFiles_andAHalfPairExitsWith2() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    IlkIngestCommand command = new IlkIngestCommand();
    new CommandLine(command).parseArgs("--tls-cert-file", certs.certFile().toString(),
        "--tls-key-file", certs.keyFile().toString());
    assertThat(command.toConfig().sslContext()).isNotNull();

    StringWriter err = new StringWriter();
    int exit = new CommandLine(new IlkIngestCommand()).setErr(new PrintWriter(err))
        .execute("--tls-cert-file", certs.certFile().toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--tls-key-file: not set (expected: set together with tls-cert-file)");
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
        "--max-body-bytes", "POSRELAY_KAFKA", "--ilk-secret-file", "POSRELAY_ILK_SECRETS",
        "--signature-max-skew-ms", "--request-deadline-ms", "--tls-cert-file", "--tls-key-file");
  }
}
