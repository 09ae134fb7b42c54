package io.posrelay.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The build a process reports: the project's version and the git commit it was built from. */
class BuildInfoTest {
  @Test
  void current_isTheProjectVersion_andTheCommitItWasBuiltFrom() throws Exception {
    BuildInfo build = BuildInfo.current();

    assertThat(build.version()).isEqualTo(System.getProperty("posrelay.project.version"))
        .isNotEqualTo(BuildInfo.UNKNOWN);
    assertThat(build.revision()).matches("[0-9a-f]{12,40}");
    // Built and tested in one run of the build, from a git clone: HEAD is what was built.
    gitHead().ifPresent(head -> assertThat(head).startsWith(build.revision()));
  }

  @Test
  void unfilledOrMissingValues_readAsUnknown() {
    Properties unfilled = new Properties();
    unfilled.setProperty("version", "${project.version}");
    unfilled.setProperty("revision", " ");

    assertThat(BuildInfo.of(unfilled))
        .isEqualTo(new BuildInfo(BuildInfo.UNKNOWN, BuildInfo.UNKNOWN));
    assertThat(BuildInfo.of(new Properties()).toString()).isEqualTo("unknown (revision unknown)");
  }

  @Test
  void versionFlag_printsTheServiceAndItsBuild_andExits0() {
    StringWriter out = new StringWriter();
    int exit = ServiceLauncher.command(ServiceLauncherTest.SPEC, config -> {
      throw new AssertionError("must not start");
    }, Map.of()).setOut(new PrintWriter(out, true)).execute("--version");

    assertThat(exit).isEqualTo(0);
    assertThat(out.toString().strip()).isEqualTo("test-service "
        + BuildInfo.current().version() + " (revision " + BuildInfo.current().revision() + ")");
  }

  /** {@code git rev-parse HEAD} here, if git and a clone are at hand. */
  private static Optional<String> gitHead() throws InterruptedException {
    try {
      Process git = new ProcessBuilder("git", "rev-parse", "HEAD")
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0
          ? Optional.of(out.strip()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
