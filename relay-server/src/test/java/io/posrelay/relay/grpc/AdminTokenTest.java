package io.posrelay.relay.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
  private static final String CURRENT = "current-admin-token-0123456789abcdefgh";
  private static final String PREVIOUS = "previous-admin-token-0123456789abcdefg";

  @TempDir Path dir;

  @Test
  void file_winsOverEnv_andItsFirstLineIsSent() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "\n " + CURRENT + " \n" + PREVIOUS + "\n");

    assertThat(AdminToken.read(file, PREVIOUS)).isEqualTo(CURRENT);
  }

  @Test
  void env_isCommaSeparated_andNeitherMeansNoToken() {
    assertThat(AdminToken.read(null, " " + CURRENT + "," + PREVIOUS)).isEqualTo(CURRENT);
    assertThat(AdminToken.read(null, null)).isEmpty();
    assertThat(AdminToken.read(null, " ")).isEmpty();
  }

  @Test
  void badValues_failNamingTheSource_withoutTheSecret() throws Exception {
    assertThatThrownBy(() -> AdminToken.read(null, "short-secret"))
        .hasMessageStartingWith("POSRELAY_ADMIN_TOKEN: token 1 is not valid")
        .hasMessageNotContaining("short-secret");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> AdminToken.read(empty, CURRENT))
        .hasMessageStartingWith("admin-token-file: " + empty + ": 0 tokens");
    assertThatThrownBy(() -> AdminToken.read(dir.resolve("missing"), null))
        .hasMessageStartingWith("admin-token-file: " + dir.resolve("missing") + " cannot be read");
    assertThatThrownBy(() -> AdminToken.read(null, CURRENT + "," + PREVIOUS + "," + CURRENT))
        .hasMessageStartingWith("POSRELAY_ADMIN_TOKEN: 3 tokens");
  }
}
