package io.posrelay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the memory of another JVM on this machine: its heap after a full garbage collection,
 * through the JDK's {@code jcmd} ({@code GC.run}, then {@code GC.heap_info}), and its resident
 * set size from {@code /proc/<pid>/status}.
 */
public final class ProcessMemory {
  /** "total 1048576K, used 24576K" of each generation (Serial, Parallel) or of the G1 heap. */
  private static final Pattern HEAP_LINE =
      Pattern.compile("total (\\d+)([KMG]), used (\\d+)([KMG])");

  private ProcessMemory() {}

  /**
   * A reading of a JVM's memory.
   *
   * @param heapUsedBytes heap in use right after a full GC: the live objects
   * @param heapCommittedBytes heap reserved from the OS at that moment
   * @param rssBytes resident set size ({@code VmRSS}): heap, metaspace, thread stacks, direct
   *     buffers, code — what the process costs in RAM
   */
  public record Sample(long heapUsedBytes, long heapCommittedBytes, long rssBytes) {}

  /**
   * Runs a full GC in process {@code pid} and reads its memory.
   *
   * @param timeout bound of each {@code jcmd} call
   * @throws IOException if {@code jcmd} is missing or fails, or its output or {@code
   *     /proc/<pid>/status} cannot be read
   * @throws InterruptedException if interrupted while waiting for {@code jcmd}
   */
  static Sample afterFullGc(long pid, Duration timeout) throws IOException, InterruptedException {
    jcmd(pid, "GC.run", timeout);
    String heapInfo = jcmd(pid, "GC.heap_info", timeout);
    long[] heap = parseHeapInfo(heapInfo);
    if (heap.length == 0) {
      throw new IOException("cannot read the heap of pid " + pid + " from GC.heap_info:\n"
          + heapInfo);
    }
    return new Sample(heap[1], heap[0], rssBytes(pid));
  }

  /**
   * Committed and used heap bytes from {@code jcmd <pid> GC.heap_info}: the G1 heap's line, or
   * the sum of the generations' lines (Serial, Parallel).
   *
   * @return {@code {committed, used}}, or an empty array if the text has no such line
   */
  static long[] parseHeapInfo(String heapInfo) {
    long used = 0;
    long committed = 0;
    boolean found = false;
    for (String line : heapInfo.split("\n")) {
      Matcher m = HEAP_LINE.matcher(line);
      if (m.find()) {
        found = true;
        committed += bytes(m.group(1), m.group(2));
        used += bytes(m.group(3), m.group(4));
      }
    }
    return found ? new long[] {committed, used} : new long[0];
  }

  /**
   * {@code VmRSS} of process {@code pid}.
   *
   * @throws IOException if {@code /proc/<pid>/status} cannot be read or has no VmRSS
   */
  static long rssBytes(long pid) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        String[] fields = line.substring("VmRSS:".length()).trim().split("\\s+");
        return Long.parseLong(fields[0]) * 1024; // in kB
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status");
  }

  private static long bytes(String number, String unit) {
    long value = Long.parseLong(number);
    return switch (unit) {
      case "G" -> value << 30;
      case "M" -> value << 20;
      default -> value << 10;
    };
  }

  private static String jcmd(long pid, String command, Duration timeout)
      throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      throw new IOException(jcmd + " not found: the connection benchmark needs a JDK, not a JRE");
    }
    Path output = Files.createTempFile("posrelay-jcmd-", ".txt");
    String text;
    try {
      Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("jcmd " + pid + " " + command + " did not finish within " + timeout);
      }
      text = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException("jcmd " + pid + " " + command + " failed (" + process.exitValue()
            + "): " + text.trim());
      }
    } finally {
      Files.deleteIfExists(output);
    }
    return text;
  }
}
