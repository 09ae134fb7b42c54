package io.posrelay.runtime.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a service's example config file ({@link ConfigDocs#properties}) at build time: each
 * service's pom runs it (exec-maven-plugin, {@code prepare-package}) for the {@code
 * config/<service>.properties} of its package, so that file always matches the key table.
 * Stateless.
 */
public final class ConfigFileWriter {
  private ConfigFileWriter() {}

  /**
   * {@code ConfigFileWriter KEYS_CLASS FILE}: writes the example config of the {@link ConfigSpec}
   * held by {@code KEYS_CLASS}'s {@code public static final SPEC} field (e.g. {@code
   * io.posrelay.relay.RelayKeys}) to {@code FILE}, creating its directory.
   *
   * @param args the keys class's binary name and the file to write
   * @throws IllegalArgumentException if there are not two arguments, or the class has no {@code
   *     SPEC} field of type {@link ConfigSpec}
   * @throws ReflectiveOperationException if the class cannot be loaded or its field read
   * @throws IOException if the file cannot be written
   */
  public static void main(String[] args) throws ReflectiveOperationException, IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: ConfigFileWriter KEYS_CLASS FILE");
    }
    // exec:java puts the project's classes on the context class loader, not this class's own.
    Class<?> keys = Class.forName(args[0], true, Thread.currentThread().getContextClassLoader());
    if (!(keys.getField("SPEC").get(null) instanceof ConfigSpec spec)) {
      throw new IllegalArgumentException(args[0] + ".SPEC (expected: a ConfigSpec)");
    }
    Path file = Path.of(args[1]);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(file, ConfigDocs.properties(spec), StandardCharsets.UTF_8);
  }
}
