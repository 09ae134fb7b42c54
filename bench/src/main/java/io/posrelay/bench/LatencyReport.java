package io.posrelay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@code relayctl bench}: the relay's figures, the baseline's, and their ratios,
 * as a text table and as JSON.
 *
 * @param config what was measured
 * @param partitions partitions of the results topic (and the baseline's)
 * @param kafka {@code embedded} or the external bootstrap servers
 * @param machine where it ran
 * @param startedAt when the run started
 * @param relay the full path's figures
 * @param baseline the raw Kafka hop's figures; null if the baseline was not run
 * @param figures the relay phase's writes per result, receipts and idle nodes
 */
public record LatencyReport(
    LatencyBenchConfig config,
    int partitions,
    String kafka,
    Machine machine,
    Instant startedAt,
    PhaseResult relay,
    @Nullable PhaseResult baseline,
    RelayFigures figures) {

  /** Others' share of the machine's CPU above which a phase's figures are flagged. */
  static final double SHARED_MACHINE = 0.05;

  private static final String ROW = "%-14s %8s %8s %8s %9s %8s %13s %9s %10s %7s %6s%n";

  /** relay / baseline of a percentile; NaN without a baseline or if the baseline's is 0. */
  public double ratio(double relayMillis, double baselineMillis) {
    PhaseResult base = baseline;
    return base == null || baselineMillis <= 0 || relay.samples() == 0 || base.samples() == 0
        ? Double.NaN : relayMillis / baselineMillis;
  }

  /** The final table, with a header naming the scenario and the machine. */
  public String table() {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT,
        "POS Relay bench: %d relay node(s), %d terminals, %s results/s, %d s measured after %d s"
            + " warm-up%n", config.nodes(), config.terminals(), number(config.ratePerSecond()),
        config.duration().toSeconds(), config.warmup().toSeconds()));
    if (!config.ramp().isZero()) {
      text.append(String.format(Locale.ROOT, "warm-up ramped: the rate rose evenly from 0 to"
          + " %s/s over its first %d s (--ramp-s), then stayed there%n",
          number(config.ratePerSecond()), config.ramp().toSeconds()));
    }
    text.append(String.format(Locale.ROOT, "kafka %s, %d partitions; admin-api %s; %s%n",
        kafka, partitions, config.adminApi() ? "on" : "off", machine.describe()));
    text.append(String.format(Locale.ROOT, ROW, "", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
        "max ms", "throughput/s", "sent", "delivered", "errors", "lost"));
    row(text, "relay", relay);
    PhaseResult base = baseline;
    if (base != null) {
      row(text, "baseline", base);
      text.append(String.format(Locale.ROOT, ROW, "relay/baseline",
          times(ratio(relay.p50Millis(), base.p50Millis())),
          times(ratio(relay.p90Millis(), base.p90Millis())),
          times(ratio(relay.p99Millis(), base.p99Millis())),
          times(ratio(relay.p999Millis(), base.p999Millis())),
          times(ratio(relay.maxMillis(), base.maxMillis())), "", "", "", "", ""));
    }
    notKeptUp(text, "relay", relay);
    if (base != null) {
      notKeptUp(text, "baseline", base);
    }
    cpuLines(text, "relay", relay.cpu(), relay.throughputPerSecond());
    if (base != null) {
      cpuLines(text, "baseline", base.cpu(), base.throughputPerSecond());
    }
    CpuUsage cpu = relay.cpu();
    if (!cpu.jitMillisPerMessage().isEmpty()) {
      text.append(String.format(Locale.ROOT, "  of which JIT compiler threads: %s%n",
          cpu.jitMillisPerMessage().entrySet().stream()
              .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue()))
              .collect(java.util.stream.Collectors.joining("  "))));
    }
    text.append(String.format(Locale.ROOT, "CPU ms per result, POS Relay and its Kafka"
        + " (simulators excluded): %.3f, of which JIT compilers %.3f, without them %.3f%s%n",
        cpu.systemMillisPerMessage(), cpu.systemJitMillisPerMessage(),
        cpu.systemMillisPerMessage() - cpu.systemJitMillisPerMessage(),
        base == null ? "" : String.format(Locale.ROOT, "; baseline, Kafka and its producer and"
            + " consumer, per record: %.3f", base.cpu().millisPerMessage().getOrDefault(
            "kafka", 0.0) + base.cpu().millisPerMessage().getOrDefault(CpuMeter.BENCH, 0.0))));
    figures.describe(text, relay.cpu(), relay.delivered());
    text.append("relay: ILK callback due -> payment_result at the terminal; baseline: record due"
        + " -> consumer (one Kafka hop).\nLatencies from each message's intended send time at the"
        + " fixed rate (corrected for coordinated omission), measured window only; counts include"
        + " the warm-up.\n");
    if (relay.lost() > 0 || (base != null && base.lost() > 0)) {
      text.append("lost: accepted but not at the terminal (consumer) when the drain wait"
          + " (--drain-timeout-s) ended. A run that did not keep up shows its backlog there, not"
          + " only results the system dropped: raise --drain-timeout-s to tell the two apart.\n");
    }
    return text.toString();
  }

  /** {@link LatencyBenchConfig#scheduledMessages()}. */
  long scheduled() {
    return config.scheduledMessages();
  }

  /**
   * Whether a phase kept up: it sent (nearly) every message due, got latencies in the measured
   * window, and was not still draining a backlog there (more than 2 % above the offered rate
   * arrived in the window: what was due before it was still arriving).
   */
  boolean keptUp(PhaseResult phase) {
    return phase.samples() > 0 && phase.sent() >= 0.99 * scheduled()
        && !drainingBacklog(phase);
  }

  private boolean drainingBacklog(PhaseResult phase) {
    return phase.throughputPerSecond() > 1.02 * config.ratePerSecond();
  }

  private void notKeptUp(StringBuilder text, String name, PhaseResult phase) {
    if (keptUp(phase)) {
      return;
    }
    if (phase.samples() > 0 && phase.sent() >= 0.99 * scheduled()) {
      text.append(String.format(Locale.ROOT, "%s: BACKLOG IN THE MEASURED WINDOW: %.1f/s arrived"
          + " against %s/s offered, so results due before the window were still arriving (the"
          + " warm-up's backlog, the JIT minute's) and the percentiles include that wait. For"
          + " the system's own latency: a longer --warmup-s, or a lower --rate.%n", name,
          phase.throughputPerSecond(), number(config.ratePerSecond())));
      return;
    }
    text.append(String.format(Locale.ROOT, "%s: DID NOT KEEP UP: %d of %d messages due were sent"
        + " (the sender waits for answers) and %.1f/s arrived of %s/s offered%s. Its percentiles"
        + " and ratios need a rate this machine sustains: a lower --rate, fewer --nodes, or more"
        + " cores.%n", name, phase.sent(), scheduled(), phase.throughputPerSecond(),
        number(config.ratePerSecond()),
        phase.samples() == 0 ? "; nothing due in the measured window arrived" : ""));
  }

  private static void cpuLines(StringBuilder text, String phase, CpuUsage cpu, double rate) {
    text.append(String.format(Locale.ROOT, "%s CPU ms per message (cores): %s%n", phase,
        cpu.describe(rate)));
    if (cpu.othersShare() > SHARED_MACHINE) {
      text.append(String.format(Locale.ROOT, "  WARNING: others used %.0f%% of the machine's CPU"
          + " during the %s phase (the bench %.0f%%): its latencies are disturbed%n",
          100 * cpu.othersShare(), phase, 100 * cpu.ownShare()));
    }
  }

  private static void row(StringBuilder text, String name, PhaseResult r) {
    boolean none = r.samples() == 0;
    text.append(String.format(Locale.ROOT, ROW, name, ms(r.p50Millis(), none),
        ms(r.p90Millis(), none), ms(r.p99Millis(), none), ms(r.p999Millis(), none),
        ms(r.maxMillis(), none),
        String.format(Locale.ROOT, "%.1f", r.throughputPerSecond()), r.sent(), r.delivered(),
        r.errors(), r.lost()));
  }

  /**
   * The report as JSON: {@code {"relay": {…}, "baseline": {…} or null, "ratios": {…} or null,
   * "nodes", "terminals", "rate_per_s", "duration_s", "warmup_s", "partitions", "kafka",
   * "admin_api", "machine": {…}, "started_at"}}; each phase has {@code p50_ms, p90_ms, p99_ms,
   * p999_ms, max_ms, samples, throughput_per_s, sent, accepted, delivered, lost, errors,
   * duplicates, kept_up}} ({@code kept_up}: sent nearly every message due, some due in the
   * measured window arrived, and no backlog was still draining in it).
   */
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode json = mapper.createObjectNode();
    ObjectNode relayJson = phase(json.putObject("relay"), relay).put("kept_up", keptUp(relay));
    figures.writeTo(relayJson);
    PhaseResult base = baseline;
    if (base == null) {
      json.putNull("baseline");
      json.putNull("ratios");
    } else {
      phase(json.putObject("baseline"), base).put("kept_up", keptUp(base));
      ObjectNode ratios = json.putObject("ratios");
      putRatio(ratios, "p50", ratio(relay.p50Millis(), base.p50Millis()));
      putRatio(ratios, "p90", ratio(relay.p90Millis(), base.p90Millis()));
      putRatio(ratios, "p99", ratio(relay.p99Millis(), base.p99Millis()));
      putRatio(ratios, "p999", ratio(relay.p999Millis(), base.p999Millis()));
      putRatio(ratios, "max", ratio(relay.maxMillis(), base.maxMillis()));
    }
    json.put("nodes", config.nodes());
    json.put("terminals", config.terminals());
    json.put("rate_per_s", config.ratePerSecond());
    json.put("duration_s", config.duration().toSeconds());
    json.put("warmup_s", config.warmup().toSeconds());
    json.put("ramp_s", config.ramp().toSeconds());
    json.put("idle_nodes", config.idleNodes());
    json.put("receipts", config.receipts());
    json.put("partitions", partitions);
    json.put("kafka", kafka);
    json.put("admin_api", config.adminApi());
    machine.writeTo(json.putObject("machine"));
    json.put("started_at", startedAt.toString());
    return json;
  }

  /**
   * Writes {@link #toJson} to {@code file}, pretty-printed.
   *
   * @throws IOException if the file cannot be written
   */
  public void writeJson(Path file) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    mapper.writeValue(file.toFile(), toJson(mapper));
  }

  private static ObjectNode phase(ObjectNode json, PhaseResult r) {
    putMillis(json, "p50_ms", r.p50Millis(), r.samples());
    putMillis(json, "p90_ms", r.p90Millis(), r.samples());
    putMillis(json, "p99_ms", r.p99Millis(), r.samples());
    putMillis(json, "p999_ms", r.p999Millis(), r.samples());
    putMillis(json, "max_ms", r.maxMillis(), r.samples());
    json.put("samples", r.samples());
    json.put("throughput_per_s", round(r.throughputPerSecond()));
    json.put("sent", r.sent());
    json.put("accepted", r.accepted());
    json.put("delivered", r.delivered());
    json.put("lost", r.lost());
    json.put("errors", r.errors());
    json.put("duplicates", r.duplicates());
    r.cpu().writeTo(json);
    return json;
  }

  /** A latency, or null when nothing due in the measured window arrived. */
  private static void putMillis(ObjectNode json, String key, double millis, long samples) {
    if (samples == 0) {
      json.putNull(key);
    } else {
      json.put(key, round(millis));
    }
  }

  private static void putRatio(ObjectNode json, String key, double ratio) {
    if (Double.isNaN(ratio)) {
      json.putNull(key);
    } else {
      json.put(key, round(ratio));
    }
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private static String ms(double millis, boolean none) {
    return none ? "-" : String.format(Locale.ROOT, "%.2f", millis);
  }

  private static String times(double ratio) {
    return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.1f", value);
  }
}
