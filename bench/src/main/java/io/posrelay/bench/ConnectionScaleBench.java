package io.posrelay.bench;

import io.posrelay.testkit.cluster.LocalCluster;
import io.posrelay.testkit.cluster.LocalEndpoints;
import io.posrelay.testkit.pos.PosSimSecurity;
import io.posrelay.testkit.pos.PosSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The connection-scale benchmark: many idle terminals, heartbeating, on one relay node, and what
 * they cost that node. Reads the node's heap after a full GC and its resident memory before the
 * terminals connect and again after they have all been connected for the hold time; the
 * difference divided by the connections is the cost per connection. The cluster has no admin-api
 * (recovery on reconnect off: 100,000 Hellos would otherwise be 100,000 ledger queries, a cost of
 * the ramp, not of holding connections).
 */
public final class ConnectionScaleBench {
  private static final Duration CONNECT_MARGIN = Duration.ofSeconds(60);
  private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(60);

  private ConnectionScaleBench() {}

  /**
   * Runs the benchmark; the cluster is stopped before this returns.
   *
   * @param config what to measure
   * @param cluster where the cluster runs: one relay node, without admin-api
   * @param progress where the progress lines go
   * @param stopRequested polled; true ends the hold early
   * @throws IllegalStateException if the open-files limit is too low for the terminals
   * @throws TimeoutException if the terminals do not all connect in time
   * @throws Exception if the cluster cannot start or the relay node's memory cannot be read
   */
  public static ConnectionReport run(ConnectionScaleConfig config, BenchCluster cluster,
      PrintWriter progress, BooleanSupplier stopRequested) throws Exception {
    OpenFileLimit.check(config.terminals());
    Instant startedAt = Instant.now();
    List<InetAddress> sources =
        SourceAddresses.forTerminals(config.terminals(), config.sourceAddresses());
    try (JfrSelfProfile profile = JfrSelfProfile.startIn(cluster.profileDir());
        LocalCluster local = LocalCluster.start(
            cluster.toConfig(1, false, config.terminals() + OpenFileLimit.HEADROOM, null))) {
      LocalEndpoints endpoints = local.endpoints();
      long pid = local.relayPid(0);
      ProcessMemory.Sample idle = ProcessMemory.afterFullGc(pid, JCMD_TIMEOUT);
      progress.printf(Locale.ROOT, "[connections] relay-1 (pid %d) idle: heap after GC %s,"
          + " RSS %s%n", pid, ConnectionReport.mib(idle.heapUsedBytes()),
          ConnectionReport.mib(idle.rssBytes()));
      progress.printf(Locale.ROOT, "[connections] connecting %d terminals at %d/s from %s%n",
          config.terminals(), config.connectRate(), SourceAddresses.describe(sources));
      progress.flush();
      try (PosSimulator terminals = PosSimulator.start(endpoints.posAddresses(),
          BenchTerminals.ids(config.terminals()), result -> { }, PosSimSecurity.NONE, sources,
          config.connectRate())) {
        long start = System.nanoTime();
        Duration bound = Duration.ofSeconds(config.terminals() / config.connectRate())
            .plus(CONNECT_MARGIN);
        try (ProgressLines lines = ProgressLines.start(progress, config.progressInterval(),
            () -> line("connecting", start, terminals))) {
          if (!terminals.awaitAllConnected(bound)) {
            throw new TimeoutException("only " + terminals.connectedTerminals() + " of "
                + config.terminals() + " terminals connected within " + bound.toSeconds() + " s;"
                + " see " + endpoints.logsDir() + "/relay-1.log");
          }
        }
        double connectSeconds = (System.nanoTime() - start) / 1e9;
        progress.printf(Locale.ROOT, "[connections] %d terminals connected in %.1f s; holding"
            + " them %d s%n", config.terminals(), connectSeconds, config.hold().toSeconds());
        progress.flush();
        long holdStart = System.nanoTime();
        try (ProgressLines lines = ProgressLines.start(progress, config.progressInterval(),
            () -> line("holding", holdStart, terminals))) {
          Drain.parkUntil(holdStart + config.hold().toNanos(), stopRequested);
        }
        int connected = terminals.connectedTerminals();
        long sessions = relaySessions(endpoints.relayMetricsPorts().get(0));
        ProcessMemory.Sample loaded = ProcessMemory.afterFullGc(pid, JCMD_TIMEOUT);
        return new ConnectionReport(config, cluster.kafkaName(), Machine.current(), startedAt,
            connected, sessions, connectSeconds, SourceAddresses.describe(sources), idle, loaded);
      }
    }
  }

  private static String line(String phase, long startNanos, PosSimulator terminals) {
    return String.format(Locale.ROOT, "[connections] %s t=%ds connected %d of %d", phase,
        (System.nanoTime() - startNanos) / 1_000_000_000L, terminals.connectedTerminals(),
        terminals.terminals());
  }

  /** The node's own count of sessions ({@code posrelay_relay_terminals_connected}); -1 if unread. */
  private static long relaySessions(int metricsPort) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
        .timeout(Duration.ofSeconds(30)).build();
    try {
      String body = client.send(request, HttpResponse.BodyHandlers.ofString()).body();
      for (String line : body.split("\n")) {
        if (line.startsWith("posrelay_relay_terminals_connected")) {
          return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
