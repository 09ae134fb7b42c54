package io.posrelay.runtime.management;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's management HTTP listener, on its own port and its own threads, never on a listener
 * that serves terminals or ILK:
 *
 * <table>
 *   <caption>Paths</caption>
 *   <tr><th>path</th><th>answer</th></tr>
 *   <tr><td>{@value #METRICS_PATH}</td><td>200, the service's meters in the Prometheus text
 *       format (0.0.4)</td></tr>
 *   <tr><td>{@value #LIVE_PATH}</td><td>200 while the process can make progress, else 503
 *       ({@link Health#live()}); a JSON body naming each component's state</td></tr>
 *   <tr><td>{@value #READY_PATH}</td><td>200 only while the service does its job, else 503
 *       ({@link Health#ready()}); the same JSON shape ({@link Health.Report#toJson()})</td></tr>
 * </table>
 *
 * <p>Only {@code GET} is served (405 otherwise, with {@code Allow: GET}); any other path is 404.
 * A liveness request waits at most {@link Health#PING_TIMEOUT} for the service's threads, so a
 * probe's timeout should be at least 3 s.
 *
 * <p>Built on the JDK's {@link HttpServer}: two worker threads ({@code posrelay-<service>-
 * management-N}) and a queue of 16 exchanges; beyond that a scrape runs on the accepting thread,
 * which slows accepting rather than growing without bound. Thread-safe.
 */
public final class ManagementServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON = "application/json; charset=utf-8";
  /** The Prometheus scrape path. */
  public static final String METRICS_PATH = "/metrics";
  /** The liveness path: 200 while the process can make progress, else 503. */
  public static final String LIVE_PATH = "/health/live";
  /** The readiness path: 200 only while the service does its job, else 503. */
  public static final String READY_PATH = "/health/ready";

  private final HttpServer server;
  private final ThreadPoolExecutor executor;

  private ManagementServer(HttpServer server, ThreadPoolExecutor executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts serving, with a {@link Health} of no component: live, and ready until
   * stopped. Prefer {@link #start(String, String, int, String, PrometheusMeterRegistry, Health)}
   * with the service's own components.
   *
   * @param service the service's name, for thread names
   * @param host the address to bind, e.g. "0.0.0.0" or "127.0.0.1"
   * @param port 0..65535; 0 picks a free port (see {@link #port()})
   * @param portKey the config key of the port, for the error message
   * @param registry served at {@value #METRICS_PATH}
   * @throws UncheckedIOException naming {@code portKey} if the port cannot be bound
   */
  public static ManagementServer start(String service, String host, int port, String portKey,
      PrometheusMeterRegistry registry) {
    return start(service, host, port, portKey, registry, new Health(service));
  }

  /**
   * Binds and starts serving.
   *
   * @param service the service's name, for thread names
   * @param host the address to bind, e.g. "0.0.0.0" or "127.0.0.1"
   * @param port 0..65535; 0 picks a free port (see {@link #port()})
   * @param portKey the config key of the port, for the error message
   * @param registry served at {@value #METRICS_PATH}
   * @param health served at {@value #LIVE_PATH} and {@value #READY_PATH}
   * @throws UncheckedIOException naming {@code portKey} if the port cannot be bound
   */
  public static ManagementServer start(String service, String host, int port, String portKey,
      PrometheusMeterRegistry registry, Health health) {
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(16),
        r -> {
          Thread t = new Thread(r, "posrelay-" + service + "-management-"
              + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        new ThreadPoolExecutor.CallerRunsPolicy());
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException(portKey + ": cannot bind " + host + ":" + port, e);
    }
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, registry, health));
    server.start();
    return new ManagementServer(server, executor);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting, closes open exchanges at once and stops the workers. Idempotent. */
  @Override
  public void close() {
    if (executor.isShutdown()) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
  }

  private static void handle(HttpExchange exchange, PrometheusMeterRegistry registry,
      Health health) {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!METRICS_PATH.equals(path) && !LIVE_PATH.equals(path) && !READY_PATH.equals(path)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      if (METRICS_PATH.equals(path)) {
        send(exchange, 200, PROMETHEUS_TEXT, registry.scrape(PROMETHEUS_TEXT));
        return;
      }
      Health.Report report = LIVE_PATH.equals(path) ? health.live() : health.ready();
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      send(exchange, report.up() ? 200 : 503, JSON, report.toJson());
    } catch (IOException | RuntimeException e) {
      log.debug("management request failed: {}", e.toString());
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
