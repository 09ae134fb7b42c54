package io.posrelay.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;

/**
 * CPU spent over one benchmark phase.
 *
 * @param millisPerMessage CPU milliseconds per message by process ({@code kafka}, {@code
 *     ilk-ingest}, {@code relay-1} …, {@code admin-api}, {@code bench}: the simulators)
 * @param machineBusy share 0..1 of all the machine's CPU time that was busy (anyone's); NaN if
 *     unknown
 * @param ownShare share 0..1 of all the machine's CPU time used by the benchmark's processes
 * @param seconds length of the phase
 * @param jitMillisPerMessage of {@code millisPerMessage}, what each process's JIT compiler
 *     threads spent ({@link JitThreads}), by process; empty if unknown
 */
public record CpuUsage(Map<String, Double> millisPerMessage, double machineBusy, double ownShare,
    double seconds, Map<String, Double> jitMillisPerMessage) {

  /** Copies the maps, keeping their order. */
  public CpuUsage {
    millisPerMessage = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(millisPerMessage));
    jitMillisPerMessage = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(jitMillisPerMessage));
  }

  /** Without the JIT's share (unknown: none). */
  public CpuUsage(Map<String, Double> millisPerMessage, double machineBusy, double ownShare,
      double seconds) {
    this(millisPerMessage, machineBusy, ownShare, seconds, Map.of());
  }

  /**
   * What the system under test (every process but the bench) spent per message in its JIT
   * compiler threads: the warm-up's share of {@link #systemMillisPerMessage()}.
   */
  public double systemJitMillisPerMessage() {
    return jitMillisPerMessage.entrySet().stream()
        .filter(e -> !e.getKey().equals(CpuMeter.BENCH))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  /** CPU milliseconds per message over all processes. */
  public double totalMillisPerMessage() {
    return millisPerMessage.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /**
   * CPU milliseconds per message of the system under test: every process but {@link
   * CpuMeter#BENCH} (the simulators, or the baseline's own producer and consumer).
   */
  public double systemMillisPerMessage() {
    return totalMillisPerMessage() - millisPerMessage.getOrDefault(CpuMeter.BENCH, 0.0);
  }

  /**
   * Share 0..1 of the machine's CPU used by others than the benchmark: above a few percent the
   * latencies were disturbed.
   */
  public double othersShare() {
    return Double.isNaN(machineBusy) ? Double.NaN : Math.max(0, machineBusy - ownShare);
  }

  /**
   * One line of CPU milliseconds per message and, in brackets, cores used: {@code kafka 0.210
   * (0.42) ilk-ingest 0.150 (0.30) … total 1.020 (2.04)}.
   */
  String describe(double messagesPerSecond) {
    StringBuilder text = new StringBuilder();
    millisPerMessage.forEach((name, ms) -> text.append(String.format(Locale.ROOT,
        "%s %.3f (%.2f)  ", name, ms, ms * messagesPerSecond / 1000)));
    double total = totalMillisPerMessage();
    return text.append(String.format(Locale.ROOT, "total %.3f (%.2f)", total,
        total * messagesPerSecond / 1000)).toString();
  }

  /**
   * Adds {@code cpu_ms_per_message: {…}, cpu_ms_per_message_total, cpu_ms_per_message_system
   * (all but the bench), machine_cpu_busy, own_cpu_share}.
   */
  void writeTo(ObjectNode json) {
    ObjectNode perProcess = json.putObject("cpu_ms_per_message");
    millisPerMessage.forEach((name, ms) -> perProcess.put(name, Math.round(ms * 1000) / 1000.0));
    json.put("cpu_ms_per_message_total", Math.round(totalMillisPerMessage() * 1000) / 1000.0);
    json.put("cpu_ms_per_message_system", Math.round(systemMillisPerMessage() * 1000) / 1000.0);
    ObjectNode jit = json.putObject("jit_cpu_ms_per_message");
    jitMillisPerMessage.forEach((name, ms) -> jit.put(name, Math.round(ms * 1000) / 1000.0));
    json.put("jit_cpu_ms_per_message_system",
        Math.round(systemJitMillisPerMessage() * 1000) / 1000.0);
    if (Double.isNaN(machineBusy)) {
      json.putNull("machine_cpu_busy");
    } else {
      json.put("machine_cpu_busy", Math.round(machineBusy * 1000) / 1000.0);
    }
    json.put("own_cpu_share", Math.round(ownShare * 1000) / 1000.0);
  }
}
