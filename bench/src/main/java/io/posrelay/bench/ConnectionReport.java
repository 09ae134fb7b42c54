package io.posrelay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * The outcome of {@code relayctl bench connections}: the relay node's memory idle and with the
 * terminals connected, and the cost per connection, as a text table and as JSON.
 *
 * @param config what was measured
 * @param kafka {@code embedded} or the external bootstrap servers
 * @param machine where it ran
 * @param startedAt when the run started
 * @param connected terminals holding a session when the memory was read
 * @param relaySessions sessions the relay node itself reported then; -1 if unread
 * @param connectSeconds time from the first connect to the last session
 * @param sourceAddresses the local source addresses used, e.g. {@code 127.0.0.2-127.0.0.6}
 * @param idle the node's memory before any terminal connected
 * @param loaded the node's memory with the terminals connected
 */
public record ConnectionReport(
    ConnectionScaleConfig config,
    String kafka,
    Machine machine,
    Instant startedAt,
    int connected,
    long relaySessions,
    double connectSeconds,
    String sourceAddresses,
    ProcessMemory.Sample idle,
    ProcessMemory.Sample loaded) {

  private static final String ROW = "%-16s %14s %18s %16s%n";

  /** Heap after GC added per connection, in bytes; 0 without connections. */
  public double heapBytesPerConnection() {
    return connected == 0 ? 0 : (loaded.heapUsedBytes() - idle.heapUsedBytes()) / (double) connected;
  }

  /** Resident memory added per connection, in bytes; 0 without connections. */
  public double rssBytesPerConnection() {
    return connected == 0 ? 0 : (loaded.rssBytes() - idle.rssBytes()) / (double) connected;
  }

  /** The final table. */
  public String table() {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "POS Relay bench connections: %d idle terminals on 1"
            + " relay node, ping every %d ms, held %d s; relay JVM: %s%n", config.terminals(),
        config.heartbeatInterval().toMillis(), config.hold().toSeconds(),
        config.relayJavaOptions()));
    text.append(String.format(Locale.ROOT, "kafka %s; %s%n", kafka, machine.describe()));
    text.append(String.format(Locale.ROOT, ROW, "relay-1", "idle",
        connected + " terminals", "per connection"));
    text.append(String.format(Locale.ROOT, ROW, "heap after GC", mib(idle.heapUsedBytes()),
        mib(loaded.heapUsedBytes()), kib(heapBytesPerConnection())));
    text.append(String.format(Locale.ROOT, ROW, "heap committed", mib(idle.heapCommittedBytes()),
        mib(loaded.heapCommittedBytes()), ""));
    text.append(String.format(Locale.ROOT, ROW, "resident (RSS)", mib(idle.rssBytes()),
        mib(loaded.rssBytes()), kib(rssBytesPerConnection())));
    text.append(String.format(Locale.ROOT, "connected %d of %d (relay-1 reports %d sessions),"
            + " in %.1f s (%.0f/s) from %s%n", connected, config.terminals(), relaySessions,
        connectSeconds, connectSeconds > 0 ? connected / connectSeconds : 0, sourceAddresses));
    return text.toString();
  }

  /**
   * The report as JSON: {@code {"terminals", "connected", "relay_sessions", "connect_s",
   * "heap_after_gc_bytes", "rss_bytes", "heap_bytes_per_connection", "rss_bytes_per_connection",
   * "idle": {"heap_after_gc_bytes", "heap_committed_bytes", "rss_bytes"}, "loaded": {…},
   * "heartbeat_interval_ms", "hold_s", "connect_rate_per_s", "source_addresses",
   * "relay_java_opts", "kafka", "machine": {…}, "started_at"}}; the top-level heap and RSS are
   * the loaded node's.
   */
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode json = mapper.createObjectNode();
    json.put("terminals", config.terminals());
    json.put("connected", connected);
    json.put("relay_sessions", relaySessions);
    json.put("connect_s", Math.round(connectSeconds * 10) / 10.0);
    json.put("heap_after_gc_bytes", loaded.heapUsedBytes());
    json.put("rss_bytes", loaded.rssBytes());
    json.put("heap_bytes_per_connection", Math.round(heapBytesPerConnection()));
    json.put("rss_bytes_per_connection", Math.round(rssBytesPerConnection()));
    sample(json.putObject("idle"), idle);
    sample(json.putObject("loaded"), loaded);
    json.put("heartbeat_interval_ms", config.heartbeatInterval().toMillis());
    json.put("hold_s", config.hold().toSeconds());
    json.put("connect_rate_per_s", config.connectRate());
    json.put("source_addresses", sourceAddresses);
    json.put("relay_java_opts", config.relayJavaOptions());
    json.put("kafka", kafka);
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

  private static void sample(ObjectNode json, ProcessMemory.Sample sample) {
    json.put("heap_after_gc_bytes", sample.heapUsedBytes());
    json.put("heap_committed_bytes", sample.heapCommittedBytes());
    json.put("rss_bytes", sample.rssBytes());
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }

  private static String kib(double bytes) {
    return String.format(Locale.ROOT, "%.2f KiB", bytes / 1024);
  }
}
