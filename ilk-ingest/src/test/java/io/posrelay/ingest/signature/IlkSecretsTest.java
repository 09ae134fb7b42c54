package io.posrelay.ingest.signature;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.ingest.IlkIngestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class IlkSecretsTest {

  public static final String CURRENT = "current-secret-0123456789abcdef-0123";
  public static final String PREVIOUS = "previous-secret-0123456789abcdef-012";

  @TempDir Path dir;

  @Test
  void nothingConfigured_isOff() {
    assertThat(IlkSecrets.load(null, null)).isEmpty();
    assertThat(IlkSecrets.load(null, "  ")).isEmpty();
  }

  @Test
  void file_holdsCurrentThenPrevious_oneALine_blankLinesAndSpacesIgnored() throws Exception {
    Path file = Files.writeString(dir.resolve("ilk.secrets"),
        "\n  " + CURRENT + "  \r\n\n" + PREVIOUS + "\n");

    IlkSecrets secrets = IlkSecrets.load(file, null).orElseThrow();

    assertThat(secrets.size()).isEqualTo(2);
    assertThat(secrets.current()).isEqualTo(CURRENT.getBytes(UTF_8));
    assertThat(secrets.keys().get(1)).isEqualTo(PREVIOUS.getBytes(UTF_8));
  }

  @Test
  void env_isCommaSeparated() {
    IlkSecrets secrets = IlkSecrets.load(null, " " + CURRENT + " , " + PREVIOUS).orElseThrow();

    assertThat(secrets.size()).isEqualTo(2);
    assertThat(secrets.current()).isEqualTo(CURRENT.getBytes(UTF_8));
  }

  @Test
  void fileWins_overTheEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("ilk.secrets"), PREVIOUS);

    IlkSecrets secrets = IlkSecrets.load(file, CURRENT).orElseThrow();

    assertThat(secrets.size()).isEqualTo(1);
    assertThat(secrets.current()).isEqualTo(PREVIOUS.getBytes(UTF_8));
  }

  @Test
  void shortSecret_isRejected_namingTheSourceButNotTheSecret() {
    String shortSecret = "too-short-secret";

    assertThatThrownBy(() -> IlkSecrets.load(null, CURRENT + "," + shortSecret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("POSRELAY_ILK_SECRETS: secret 2 has 16 characters (expected: at least 32)")
        .message().doesNotContain(shortSecret).doesNotContain(CURRENT);
  }

  @Test
  void threeSecrets_areRejected() throws Exception {
    Path file = Files.writeString(dir.resolve("ilk.secrets"),
        CURRENT + "\n" + PREVIOUS + "\n" + CURRENT + "x\n");

    assertThatThrownBy(() -> IlkSecrets.load(file, null))
        .hasMessage("--ilk-secret-file: " + file + ": 3 secrets (expected: 1 or 2, the current "
            + "one first)");
  }

  @Test
  void emptyFile_isRejected_notSilentlyOff() throws Exception {
    Path file = Files.writeString(dir.resolve("empty"), "\n \n");

    assertThatThrownBy(() -> IlkSecrets.load(file, null))
        .hasMessageContaining("--ilk-secret-file: " + file + ": 0 secrets");
  }

  @Test
  void missingFile_isRejected_namingTheFlag() {
    Path missing = dir.resolve("missing");

    assertThatThrownBy(() -> IlkSecrets.load(missing, null))
        .hasMessage("--ilk-secret-file: " + missing + ": cannot read it (NoSuchFileException)");
  }

  @Test
  void fileThatIsNotUtf8_isRejected() throws Exception {
    Path file = Files.write(dir.resolve("binary"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});

    assertThatThrownBy(() -> IlkSecrets.load(file, null)).hasMessageContaining("UTF-8");
  }

  @Test
  void toString_neverShowsASecret() {
    IlkSecrets secrets = IlkSecrets.of(CURRENT, PREVIOUS);

    assertThat(secrets.toString()).isEqualTo("IlkSecrets[2 secrets]");
    assertThat(IlkIngestConfig.builder().signingSecrets(secrets).build().toString())
        .contains("signatures=IlkSecrets[2 secrets]")
        .doesNotContain(CURRENT).doesNotContain(PREVIOUS);
  }

  @Test
  void current_isACopy() {
    IlkSecrets secrets = IlkSecrets.of(CURRENT);
    secrets.current()[0] = 'X';

    assertThat(secrets.current()).isEqualTo(CURRENT.getBytes(UTF_8));
  }
}
