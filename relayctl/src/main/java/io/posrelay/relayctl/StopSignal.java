package io.posrelay.relayctl;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a command run until Ctrl-C / SIGTERM (or a time limit) and then finish its own cleanup and
 * output before the JVM exits: the shutdown hook signals the command and waits (bounded) until the
 * command calls {@link #done()}.
 *
 * <p>Thread-safe.
 */
public final class StopSignal {
  private static final Duration HOOK_WAIT = Duration.ofSeconds(60);

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);

  private StopSignal() {}

  /** Creates a signal and registers its JVM shutdown hook. */
  public static StopSignal onShutdown() {
    StopSignal signal = new StopSignal();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  signal.stopRequested.countDown();
                  try {
                    signal.done.await(HOOK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "relayctl-shutdown"));
    return signal;
  }

  /**
   * Waits until a stop is requested or the limit passes.
   *
   * @param limit how long to wait; {@link Duration#ZERO} = without limit
   * @return true if a stop was requested, false if the limit passed
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean await(Duration limit) throws InterruptedException {
    if (limit.isZero()) {
      stopRequested.await();
      return true;
    }
    return stopRequested.await(limit.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Whether a stop was requested (Ctrl-C / SIGTERM). */
  public boolean stopRequested() {
    return stopRequested.getCount() == 0;
  }

  /** The command has finished its cleanup: the JVM may exit. */
  public void done() {
    done.countDown();
  }
}
