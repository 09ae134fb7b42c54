package io.posrelay.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What build this process runs: the project's version and the git commit it was built from, as
 * service-runtime's build wrote them into {@code io/posrelay/runtime/build-info.properties}
 * ({@code project.version}, and {@code git rev-parse --short=12 HEAD}). {@code --version} prints
 * it and every service exports it as the gauge {@code posrelay_build_info{version,revision} 1}.
 *
 * <p>A value the build could not fill in (a build outside a git clone, or classes compiled by an
 * IDE that skipped that step) reads as {@value #UNKNOWN}. Immutable and thread-safe.
 *
 * @param version the project's version, e.g. {@code 0.1.0-SNAPSHOT}, or {@value #UNKNOWN}
 * @param revision the git commit, 12 hexadecimal digits (more if 12 are ambiguous), or {@value
 *     #UNKNOWN}
 */
public record BuildInfo(String version, String revision) {
  /** A value the build did not fill in: {@value}. */
  public static final String UNKNOWN = "unknown";

  /** Where the build writes it, on the class path. */
  static final String RESOURCE = "build-info.properties";

  private static final Pattern UNFILLED = Pattern.compile("\\s*(\\$\\{.*}\\s*)?");
  private static final BuildInfo CURRENT = load();

  /** This process's build, read once from the class path. */
  public static BuildInfo current() {
    return CURRENT;
  }

  /**
   * The build described by {@code properties} ({@code version}, {@code revision}); a missing,
   * blank or unfilled ({@code ${...}}) value is {@value #UNKNOWN}.
   */
  static BuildInfo of(Properties properties) {
    return new BuildInfo(value(properties, "version"), value(properties, "revision"));
  }

  /** One line: {@code 0.1.0-SNAPSHOT (revision 0123456789ab)}. */
  @Override
  public String toString() {
    return version + " (revision " + revision + ")";
  }

  private static BuildInfo load() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE + " from the class path", e);
    }
    return of(properties);
  }

  private static String value(Properties properties, String name) {
    String value = properties.getProperty(name, "");
    return UNFILLED.matcher(value).matches() ? UNKNOWN : value.strip();
  }
}
