package io.posrelay.runtime.management;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a service says about itself on its management port ({@link ManagementServer#LIVE_PATH},
 * {@link ManagementServer#READY_PATH}): two sets of named components, each with a {@link State}
 * and a one-line detail.
 *
 * <ul>
 *   <li><b>Liveness</b>: the process can make progress. Its event loops and worker threads
 *       answer a no-op task within the ping timeout (2 s), and its own checks (a component that
 *       failed for good) pass. Never depends on Kafka: a broker outage must not make an
 *       orchestrator restart every process.
 *   <li><b>Readiness</b>: the service does its job: every registered component is {@link
 *       State#UP}, and {@link #stopping()} has not been called.
 * </ul>
 *
 * <p>A check is a {@link Supplier} called on a management thread at each request (and at each
 * scrape of {@value #READY_METER}): it must be cheap, must not block and must be thread-safe,
 * typically reading a volatile field its component keeps up to date. A check that throws counts
 * as {@link State#DOWN}, its exception as the detail.
 *
 * <p>Component names are lowercase words joined by {@code -} ({@code results-reader}); they are
 * the keys of the JSON body and the {@code component} tag of {@value #COMPONENT_READY_METER}, so
 * the set of them is fixed by the code. Thread-safe.
 */
public final class Health {
  /** How long a liveness ping may take before its component is DOWN. */
  public static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
  /** Gauge: 1 while the service is ready, 0 otherwise. */
  public static final String READY_METER = "posrelay.health.ready";
  /** Gauge: 1 while the component is UP, 0 otherwise; tag {@code component}. */
  public static final String COMPONENT_READY_METER = "posrelay.health.component.ready";
  /** The component every readiness report carries: {@code running}, or {@code stopping}. */
  public static final String LIFECYCLE = "lifecycle";

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  /** A component's state. */
  public enum State {
    /** Doing its job (readiness) or making progress (liveness). */
    UP,
    /** Not doing its job, or not answering; the detail says why. */
    DOWN
  }

  /**
   * One component's state and why.
   *
   * @param state UP or DOWN
   * @param detail one line for an operator, e.g. {@code "lag 12 records over 3 partitions"};
   *     may be empty
   */
  public record Status(State state, String detail) {
    /** An UP status. */
    public static Status up(String detail) {
      return new Status(State.UP, detail);
    }

    /** A DOWN status. */
    public static Status down(String detail) {
      return new Status(State.DOWN, detail);
    }

    /** Whether the state is {@link State#UP}. */
    public boolean isUp() {
      return state == State.UP;
    }
  }

  /**
   * One evaluation of liveness or readiness.
   *
   * @param service the service's name, e.g. {@code relay-server}
   * @param up whether every component is UP
   * @param components each component's status, in registration order (unmodifiable)
   */
  public record Report(String service, boolean up, Map<String, Status> components) {
    /** Copies the map, keeping its order. */
    public Report {
      components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
    }

    /**
     * The report as one JSON object:
     *
     * <pre>{@code
     * {"service":"relay-server","status":"UP","components":{
     *   "lifecycle":{"status":"UP","detail":"running"},
     *   "results-reader":{"status":"UP","detail":"3 partitions, lag 0 records"}}}
     * }</pre>
     *
     * (on one line). {@code status} is {@code UP} or {@code DOWN}, for the whole report and for
     * each component.
     */
    public String toJson() {
      StringBuilder json = new StringBuilder(64 + 64 * components.size());
      json.append("{\"service\":");
      quote(json, service);
      json.append(",\"status\":\"").append(up ? State.UP : State.DOWN).append("\",\"components\":{");
      boolean first = true;
      for (Map.Entry<String, Status> e : components.entrySet()) {
        json.append(first ? "" : ",");
        first = false;
        quote(json, e.getKey());
        json.append(":{\"status\":\"").append(e.getValue().state()).append("\",\"detail\":");
        quote(json, e.getValue().detail());
        json.append('}');
      }
      return json.append("}}").toString();
    }
  }

  private final String service;
  private final long pingTimeoutNanos;
  private final Object lock = new Object();
  private final Map<String, Supplier<Status>> readiness = new LinkedHashMap<>(); // guarded by lock
  private final Map<String, Supplier<Status>> liveness = new LinkedHashMap<>(); // guarded by lock
  private final Map<String, List<Executor>> pinged = new LinkedHashMap<>(); // guarded by lock
  private @Nullable MeterRegistry registry; // guarded by lock
  private volatile boolean stopping;

  /**
   * A registry with no component but {@value #LIFECYCLE}.
   *
   * @param service the service's name, in every report
   */
  public Health(String service) {
    this(service, PING_TIMEOUT);
  }

  /** With another ping timeout; for tests. */
  Health(String service, Duration pingTimeout) {
    this.service = service;
    this.pingTimeoutNanos = pingTimeout.toNanos();
  }

  /**
   * Adds a readiness component.
   *
   * @param component its name, e.g. {@code pos-listener}
   * @param check its status now; cheap, non-blocking, thread-safe
   * @return this
   * @throws IllegalArgumentException if the name is not lowercase words joined by {@code -}, or
   *     already taken
   */
  public Health readiness(String component, Supplier<Status> check) {
    synchronized (lock) {
      checkName(component);
      readiness.put(component, check);
      if (registry != null) {
        componentGauge(registry, component, check);
      }
    }
    return this;
  }

  /**
   * Adds a liveness component that is a check, e.g. a component that failed for good.
   *
   * @param component its name
   * @param check its status now; cheap, non-blocking, thread-safe
   * @return this
   * @throws IllegalArgumentException if the name is malformed or taken
   */
  public Health liveness(String component, Supplier<Status> check) {
    synchronized (lock) {
      checkName(component);
      liveness.put(component, check);
    }
    return this;
  }

  /**
   * Adds a liveness component of worker threads: at each liveness request every executor is given
   * a no-op task, and the component is UP if all of them ran it within the ping timeout. A Netty
   * {@code EventLoopGroup} is such an {@link Iterable}. An executor that rejects the task (shut
   * down) counts as not answering.
   *
   * @param component its name, e.g. {@code pos-event-loops}
   * @param workers the executors; iterated once, now
   * @return this
   * @throws IllegalArgumentException if the name is malformed or taken, or there is no executor
   */
  public Health liveness(String component, Iterable<? extends Executor> workers) {
    List<Executor> executors = new ArrayList<>();
    workers.forEach(executors::add);
    if (executors.isEmpty()) {
      throw new IllegalArgumentException(component + ": no executor to ping");
    }
    synchronized (lock) {
      checkName(component);
      pinged.put(component, List.copyOf(executors));
    }
    return this;
  }

  /**
   * The service is stopping: readiness is DOWN from now on ({@value #LIFECYCLE}: {@code
   * stopping}), so that a load balancer sends it nothing new while it drains. Idempotent.
   */
  public void stopping() {
    stopping = true;
  }

  /** Evaluates every readiness component now; see the class doc. */
  public Report ready() {
    Map<String, Supplier<Status>> checks;
    synchronized (lock) {
      checks = new LinkedHashMap<>(readiness);
    }
    Map<String, Status> statuses = new LinkedHashMap<>();
    statuses.put(LIFECYCLE, stopping ? Status.down("stopping") : Status.up("running"));
    checks.forEach((name, check) -> statuses.put(name, evaluate(check)));
    return report(statuses);
  }

  /**
   * Evaluates every liveness component now: the checks at once, the pings in parallel, waiting
   * at most the ping timeout (2 s) in all. Call on a thread that may block that long (a
   * management worker).
   */
  public Report live() {
    Map<String, Supplier<Status>> checks;
    Map<String, List<Executor>> pings;
    synchronized (lock) {
      checks = new LinkedHashMap<>(liveness);
      pings = new LinkedHashMap<>(pinged);
    }
    long deadline = System.nanoTime() + pingTimeoutNanos;
    Map<String, List<CompletableFuture<Void>>> answers = new LinkedHashMap<>();
    pings.forEach((name, executors) -> answers.put(name, executors.stream().map(Health::ping)
        .toList()));
    Map<String, Status> statuses = new LinkedHashMap<>();
    checks.forEach((name, check) -> statuses.put(name, evaluate(check)));
    answers.forEach((name, futures) -> statuses.put(name, awaitPings(futures, deadline)));
    return report(statuses);
  }

  /**
   * Registers {@value #READY_METER} and one {@value #COMPONENT_READY_METER} per readiness
   * component (now and later ones) in {@code meterRegistry}. Call at most once.
   */
  public void bindTo(MeterRegistry meterRegistry) {
    synchronized (lock) {
      registry = meterRegistry;
      Gauge.builder(READY_METER, this, h -> h.ready().up() ? 1 : 0)
          .description("1 while the service is ready (GET /health/ready answers 200), else 0.")
          .strongReference(true)
          .register(meterRegistry);
      readiness.forEach((name, check) -> componentGauge(meterRegistry, name, check));
    }
  }

  private void checkName(String component) {
    if (!NAME.matcher(component).matches()) {
      throw new IllegalArgumentException("component name: " + component
          + " (expected: lowercase words joined by -)");
    }
    if (component.equals(LIFECYCLE) || readiness.containsKey(component)
        || liveness.containsKey(component) || pinged.containsKey(component)) {
      throw new IllegalArgumentException("component name: " + component + " (already taken)");
    }
  }

  private static void componentGauge(MeterRegistry meterRegistry, String name,
      Supplier<Status> check) {
    Gauge.builder(COMPONENT_READY_METER, check, c -> evaluate(c).isUp() ? 1 : 0)
        .description("1 while the readiness component is UP, else 0.")
        .tag("component", name)
        .strongReference(true)
        .register(meterRegistry);
  }

  private Report report(Map<String, Status> statuses) {
    boolean up = statuses.values().stream().allMatch(Status::isUp);
    return new Report(service, up, statuses);
  }

  private static Status evaluate(Supplier<Status> check) {
    try {
      return check.get();
    } catch (RuntimeException e) {
      return Status.down("check failed: " + e);
    }
  }

  private static CompletableFuture<Void> ping(Executor executor) {
    CompletableFuture<Void> answered = new CompletableFuture<>();
    try {
      executor.execute(() -> answered.complete(null));
    } catch (RejectedExecutionException e) {
      answered.completeExceptionally(e);
    }
    return answered;
  }

  private Status awaitPings(List<CompletableFuture<Void>> futures, long deadline) {
    int answered = 0;
    for (CompletableFuture<Void> future : futures) {
      try {
        future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        answered++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        // rejected (shut down) or not within the timeout: not answering
      }
    }
    String text = answered + " of " + futures.size() + " threads answered";
    return answered == futures.size() ? Status.up(text)
        : Status.down(text + " within " + TimeUnit.NANOSECONDS.toMillis(pingTimeoutNanos) + " ms");
  }

  /** Appends {@code text} as a JSON string (RFC 8259 escapes). */
  static void quote(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
