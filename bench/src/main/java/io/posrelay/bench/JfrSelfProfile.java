package io.posrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JFR recording of the bench's own JVM (the simulators), with the {@code profile} settings,
 * written to {@code <dir>/bench.jfr} when closed. The children record their own (see {@code
 * --profile-dir}).
 *
 * <p>Started and closed by the thread that runs the benchmark.
 */
final class JfrSelfProfile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JfrSelfProfile.class);

  private final @Nullable Recording recording;
  private final Path file;

  private JfrSelfProfile(@Nullable Recording recording, Path file) {
    this.recording = recording;
    this.file = file;
  }

  /**
   * Starts recording if {@code dir} is given; else returns a no-op.
   *
   * @throws IOException if {@code dir} cannot be created
   */
  static JfrSelfProfile startIn(@Nullable Path dir) throws IOException {
    if (dir == null) {
      return new JfrSelfProfile(null, Path.of(""));
    }
    Files.createDirectories(dir);
    Recording recording;
    try {
      recording = new Recording(Configuration.getConfiguration("profile"));
    } catch (ParseException e) {
      throw new IOException("the JDK's JFR 'profile' settings cannot be read", e);
    }
    recording.setName("posrelay-bench");
    recording.start();
    return new JfrSelfProfile(recording, dir.resolve("bench.jfr"));
  }

  /** Stops and writes the recording, if any; a failure to write is logged. */
  @Override
  public void close() {
    Recording current = recording;
    if (current == null) {
      return;
    }
    try {
      if (current.getState() == RecordingState.RUNNING) {
        current.stop(); // on Ctrl-C, JFR's own shutdown hook may have stopped it already
      }
      current.dump(file);
      log.info("JFR profile of the bench written to {}", file);
    } catch (IOException | IllegalStateException e) {
      log.warn("could not write the JFR profile {}: {}", file, e.toString());
    } finally {
      current.close();
    }
  }
}
