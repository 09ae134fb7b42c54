package io.posrelay.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time spent by a JVM's JIT compiler threads ({@code C1 CompilerThread…}, {@code C2
 * CompilerThread…}), from {@code /proc/<pid>/task/<tid>/stat} (utime + stime, in clock ticks of
 * 1/100 s, the Linux {@code USER_HZ} of every mainstream build). On two shared cores the C2
 * compilers of seven JVMs go on compiling for minutes after start, and what they spend in a
 * measured window is the warm-up's cost, not the cost of a result: the report shows it apart.
 * A thread that ended between two readings takes its ticks with it (a compiler thread that the
 * JVM retires after a quiet spell), so the figure is a lower bound. Zero where /proc is absent.
 */
final class JitThreads {
  private static final long NANOS_PER_TICK = 10_000_000L;

  private JitThreads() {}

  /** The CPU time of process {@code pid}'s compiler threads so far; zero if unreadable. */
  static Duration cpu(long pid) {
    long ticks = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid),
        "task"))) {
      for (Path task : tasks) {
        ticks += compilerTicks(task);
      }
    } catch (IOException | RuntimeException e) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(ticks * NANOS_PER_TICK);
  }

  private static long compilerTicks(Path task) {
    try {
      String name = Files.readString(task.resolve("comm")).strip();
      if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
        return 0;
      }
      String stat = Files.readString(task.resolve("stat"));
      // the fields after "(comm) ": state is the 1st, utime the 12th, stime the 13th
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0; // the thread ended meanwhile
    }
  }
}
