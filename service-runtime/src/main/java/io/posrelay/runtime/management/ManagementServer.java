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
 * that serves terminals or ILK: {@code GET /metrics} answers the service's meters in the
 * Prometheus text format (0.0.4). Any other path is 404, any other method on {@code /metrics}
 * 405.
 *
 * <p>Built on the JDK's {@link HttpServer}: two worker threads ({@code posrelay-<service>-
 * management-N}) and a queue of 16 exchanges; beyond that a scrape runs on the accepting thread,
 * which slows accepting rather than growing without bound. Thread-safe.
 */
public final class ManagementServer implements AutoCloseable {
  /** The liveness endpoint's path: {@value}. */
  public static final String LIVE_PATH = "/health/live";
  /** The readiness endpoint's path: {@value}. */
  public static final String READY_PATH = "/health/ready";

  private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ThreadPoolExecutor executor;

  private ManagementServer(HttpServer server, ThreadPoolExecutor executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts serving.
   *
   * @param service the service's name, for thread names
   * @param host the address to bind, e.g. "0.0.0.0" or "127.0.0.1"
   * @param port 0..65535; 0 picks a free port (see {@link #port()})
   * @param portKey the config key of the port, for the error message
   * @throws UncheckedIOException naming {@code portKey} if the port cannot be bound
   */
  public static ManagementServer start(String service, String host, int port, String portKey,
      PrometheusMeterRegistry registry) {
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
    server.createContext("/", exchange -> handle(exchange, registry));
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

  private static void handle(HttpExchange exchange, PrometheusMeterRegistry registry) {
    try (exchange) {
      if (!"/metrics".equals(exchange.getRequestURI().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = registry.scrape(PROMETHEUS_TEXT).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", PROMETHEUS_TEXT);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("management request failed: {}", e.toString());
    }
  }
}
