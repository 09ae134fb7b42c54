package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.WatchDeliveryEventsRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code relayctl admin watch}: ledger transitions as they happen, one line each. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Ledger transitions as they happen (WatchDeliveryEvents), one line each (--json: one"
          + " DeliveryEvent per line), until Ctrl-C, --duration-s or --max-events.",
      "Reconnects with backoff when admin-api is unreachable or cuts the stream off; the stream"
          + " is not a replay, so events in between are missed (re-read them with 'admin list')."
          + " --timeout-ms does not apply to the stream.",
      "e.g.  relayctl admin watch --status failed,expired"
    })
final class AdminWatchCommand implements Callable<Integer> {
  private static final long HOOK_WAIT_MILLIS = 5_000;

  @Mixin AdminOptions options = new AdminOptions();

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      split = ",",
      converter = DeliveryStatusConverter.class,
      description = "Only transitions into these statuses (repeat or comma-separate): pending,"
          + " delivering, delivered, failed, expired. Default: all.")
  List<DeliveryStatus> statuses = new ArrayList<>();

  @Option(names = "--terminal", paramLabel = "TID", description = "Only this terminal.")
  String terminal = "";

  @Option(
      names = "--duration-s",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description = "Stop after this many seconds (fractions allowed); 0 = until Ctrl-C"
          + " (default: ${DEFAULT-VALUE}).")
  double durationSeconds;

  @Option(
      names = "--max-events",
      paramLabel = "N",
      defaultValue = "0",
      description = "Stop after N events; 0 = no limit (default: ${DEFAULT-VALUE}).")
  long maxEvents;

  @Override
  public Integer call() {
    if (!(durationSeconds >= 0) || Double.isInfinite(durationSeconds)) {
      throw options.usageError("--duration-s: " + durationSeconds + " (expected: >= 0)");
    }
    if (maxEvents < 0) {
      throw options.usageError("--max-events: " + maxEvents + " (expected: >= 0)");
    }
    WatchDeliveryEventsRequest request = WatchDeliveryEventsRequest.newBuilder()
        .addAllStatuses(statuses)
        .setTerminalId(terminal.strip())
        .build();
    Duration limit = Duration.ofNanos(Math.round(durationSeconds * 1e9));
    return options.run((admin, out) -> {
      EventWatch watch = new EventWatch(
          admin.streaming(),
          request,
          limit,
          maxEvents,
          event -> {
            if (options.json) {
              JsonLines.print(event, out);
            } else {
              out.println(EventLine.of(event));
            }
            out.flush();
          },
          options.err(),
          admin.address().toString());
      options.err().println("watching admin-api at " + admin.address() + " (Ctrl-C stops)");
      options.err().flush();
      CountDownLatch finished = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        watch.stop();
        try {
          finished.await(HOOK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "relayctl-admin-watch-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        watch.run();
        return 0;
      } finally {
        out.flush();
        finished.countDown();
        removeHook(hook);
      }
    });
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is running and waits for 'finished'.
    }
  }
}
