package io.posrelay.relayctl;

import io.posrelay.testkit.cluster.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault {@code relayctl demo --chaos} injects: relay node {@code relay-1} is killed with
 * SIGKILL a third of the way through the sending, and started again (same arguments and ports)
 * a few seconds later. Its terminals reconnect to the other node meanwhile; recovery on reconnect
 * must still leave nothing lost.
 *
 * <p>Thread-safe. {@link #start} schedules the kill and the restart; {@link #awaitDone} waits for
 * both; {@link #report} says what happened, one line per event.
 */
public final class DemoChaos implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoChaos.class);

  /** What chaos acts on: a local cluster's relay nodes. */
  public interface Target {
    /** Kills relay node {@code index} (0-based) at once. */
    void killRelay(int index) throws Exception;

    /** Starts relay node {@code index} again; returns how long it took to be ready. */
    Duration restartRelay(int index) throws Exception;
  }

  private final Target target;
  private final int relayIndex;
  private final Duration killAfter;
  private final Duration downFor;
  private final List<String> events = new ArrayList<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "demo-chaos");
    t.setDaemon(true);
    return t;
  });
  private long startNanos;

  /**
   * @param target the cluster
   * @param relayIndex the relay node to kill, 0-based
   * @param killAfter time from {@link #start} to the kill, >= 0
   * @param downFor time from the kill to the restart, >= 0
   */
  public DemoChaos(Target target, int relayIndex, Duration killAfter, Duration downFor) {
    this.target = target;
    this.relayIndex = relayIndex;
    this.killAfter = killAfter;
    this.downFor = downFor;
  }

  /** Chaos for a demo that sends for {@code sending}: kill relay-1 at a third, restart 5 s later. */
  public static DemoChaos forDemo(LocalCluster cluster, Duration sending) {
    return new DemoChaos(new Target() {
      @Override
      public void killRelay(int index) throws Exception {
        cluster.killRelay(index);
      }

      @Override
      public Duration restartRelay(int index) throws Exception {
        return cluster.restartRelay(index);
      }
    }, 0, sending.dividedBy(3), Duration.ofSeconds(5));
  }

  /** Schedules the kill and the restart, counted from now. */
  public synchronized void start() {
    startNanos = System.nanoTime();
    timer.schedule(this::kill, killAfter.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void kill() {
    String node = LocalCluster.nodeId(relayIndex);
    try {
      target.killRelay(relayIndex);
      event("killed " + node + " (SIGKILL)");
      timer.schedule(this::restart, downFor.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      event("could not kill " + node + ": " + e);
      done.countDown();
    }
  }

  private void restart() {
    String node = LocalCluster.nodeId(relayIndex);
    try {
      Duration took = target.restartRelay(relayIndex);
      event(String.format(Locale.ROOT, "restarted %s (same ports; ready in %.1f s)", node,
          took.toMillis() / 1000.0));
    } catch (Exception e) {
      event("could not restart " + node + ": " + e);
    } finally {
      done.countDown();
    }
  }

  private synchronized void event(String what) {
    String line = String.format(Locale.ROOT, "t+%.1f s: %s",
        (System.nanoTime() - startNanos) / 1e9, what);
    events.add(line);
    log.info("chaos: {}", line);
  }

  /**
   * Waits until the restart is done (or failed).
   *
   * @return false if {@code timeout} passed first
   */
  public boolean awaitDone(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** What chaos did, one line per event, times counted from the start of sending. */
  public synchronized List<String> report() {
    return events.isEmpty() ? List.of("nothing yet") : List.copyOf(events);
  }

  /** Cancels what has not happened yet. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
