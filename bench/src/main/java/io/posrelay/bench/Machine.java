package io.posrelay.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine a benchmark ran on, for its report: the figures mean little without it.
 *
 * @param cores processors available to this JVM
 * @param memoryBytes physical memory ({@code MemTotal} of /proc/meminfo), 0 if unknown
 * @param cpu the processor's model name from /proc/cpuinfo, or {@code unknown}
 * @param os operating system name and version
 * @param java the Java runtime version
 */
public record Machine(int cores, long memoryBytes, String cpu, String os, String java) {

  /** This machine. */
  public static Machine current() {
    return new Machine(Runtime.getRuntime().availableProcessors(), memTotalBytes(), cpuModel(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.runtime.version", System.getProperty("java.version")));
  }

  /** One line, e.g. {@code 2 cores, 23.5 GiB, Intel(R) Xeon(R) …, Linux 6.1, Java 17.0.15}. */
  public String describe() {
    return String.format(Locale.ROOT, "%d cores, %.1f GiB, %s, %s, Java %s", cores,
        memoryBytes / (double) (1L << 30), cpu, os, java);
  }

  /** Adds {@code cores, memory_bytes, cpu, os, java} to {@code json}. */
  void writeTo(ObjectNode json) {
    json.put("cores", cores);
    json.put("memory_bytes", memoryBytes);
    json.put("cpu", cpu);
    json.put("os", os);
    json.put("java", java);
  }

  private static long memTotalBytes() {
    for (String line : lines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        String[] parts = line.trim().split("\\s+");
        try {
          return Long.parseLong(parts[1]) * 1024;
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  private static String cpuModel() {
    for (String line : lines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown";
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
