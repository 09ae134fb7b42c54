package io.posrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time spent by each process of a benchmark (the children and this JVM, which runs the
 * simulators) and by the whole machine over one phase. CPU time per message is what a figure
 * costs, and it holds even when other work shares the machine; the machine's busy share and
 * ours tell whether the latencies of the phase were disturbed. Reads {@link
 * ProcessHandle.Info#totalCpuDuration()} and {@code /proc/stat}. Thread-safe.
 */
final class CpuMeter {
  /** The name of this JVM in the figures. */
  static final String BENCH = "bench";

  private final Map<String, ProcessHandle> processes = new LinkedHashMap<>();
  private final Map<String, Duration> startCpu = new LinkedHashMap<>();
  private final Map<String, Duration> endCpu = new LinkedHashMap<>();
  private final Map<String, Duration> startJit = new LinkedHashMap<>();
  private final Map<String, Duration> endJit = new LinkedHashMap<>();
  private long startNanos;
  private long endNanos;
  private boolean started;
  private long[] startMachine = new long[2];
  private long[] endMachine = new long[2];

  /**
   * @param children process ids by name; this JVM is added as {@value #BENCH}
   */
  CpuMeter(Map<String, Long> children) {
    children.forEach((name, pid) -> ProcessHandle.of(pid).ifPresent(p -> processes.put(name, p)));
    processes.put(BENCH, ProcessHandle.current());
  }

  /**
   * Measures over the window [{@code startNanos}, {@code endNanos}) ({@link System#nanoTime()}),
   * from a daemon thread: the window opens after the warm-up, when the JIT compilers are done,
   * and closes when the sending should end, however far behind the system is.
   */
  void measure(long startNanos, long endNanos) {
    Thread thread = new Thread(() -> {
      if (Drain.parkUntil(startNanos, Thread.currentThread()::isInterrupted)) {
        start();
        if (Drain.parkUntil(endNanos, Thread.currentThread()::isInterrupted)) {
          freeze();
        }
      }
    }, "bench-cpu-meter");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts (or restarts) measuring now. */
  synchronized void start() {
    startNanos = System.nanoTime();
    startMachine = machineJiffies();
    startCpu.clear();
    processes.forEach((name, p) -> startCpu.put(name, cpu(p)));
    startJit.clear();
    processes.forEach((name, p) -> startJit.put(name, JitThreads.cpu(p.pid())));
    endCpu.clear();
    started = true;
  }

  /** Ends the measurement now; later calls do nothing. */
  synchronized void freeze() {
    if (!started || !endCpu.isEmpty()) {
      return;
    }
    endNanos = System.nanoTime();
    endMachine = machineJiffies();
    processes.forEach((name, p) -> endCpu.put(name, cpu(p)));
    processes.forEach((name, p) -> endJit.put(name, JitThreads.cpu(p.pid())));
  }

  /**
   * The CPU spent in the measured window (up to now if it has not closed yet); all zeros (busy
   * NaN) if it never opened.
   *
   * @param messages messages handled in the window, for the per-message figures
   */
  synchronized CpuUsage usage(long messages) {
    if (!started) {
      Map<String, Double> none = new LinkedHashMap<>();
      processes.keySet().forEach(name -> none.put(name, 0.0));
      return new CpuUsage(none, Double.NaN, 0, 0);
    }
    freeze();
    double seconds = (endNanos - startNanos) / 1e9;
    Map<String, Double> perMessage = new LinkedHashMap<>();
    Map<String, Double> jitPerMessage = new LinkedHashMap<>();
    double ours = 0;
    for (String name : processes.keySet()) {
      Duration spent = endCpu.getOrDefault(name, Duration.ZERO)
          .minus(startCpu.getOrDefault(name, Duration.ZERO));
      double millis = spent.toNanos() / 1e6;
      ours += millis;
      perMessage.put(name, messages == 0 ? 0 : millis / messages);
      double jit = endJit.getOrDefault(name, Duration.ZERO)
          .minus(startJit.getOrDefault(name, Duration.ZERO)).toNanos() / 1e6;
      jitPerMessage.put(name, messages == 0 ? 0 : Math.max(0, jit) / messages);
    }
    long busy = endMachine[0] - startMachine[0];
    long total = endMachine[1] - startMachine[1];
    int cores = Runtime.getRuntime().availableProcessors();
    return new CpuUsage(perMessage, total <= 0 ? Double.NaN : busy / (double) total,
        seconds <= 0 ? 0 : ours / 1000 / seconds / cores, seconds, jitPerMessage);
  }

  private static Duration cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Busy and total jiffies of all CPUs from the first line of /proc/stat; zeros if unread. */
  private static long[] machineJiffies() {
    try {
      String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[2];
    }
  }
}
