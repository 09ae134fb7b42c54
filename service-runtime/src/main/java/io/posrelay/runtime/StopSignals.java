package io.posrelay.runtime;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop, so that a service stopped by its orchestrator (or
 * Ctrl-C) stops gracefully and exits 0. Without a handler, the JVM runs its shutdown hooks and
 * exits 128 + the signal (143, 130), which systemd and Kubernetes count as a failure. The JDK has
 * no supported API for this; {@code sun.misc.Signal} (module jdk.unsupported) is what every
 * server on the JVM uses for it.
 */
final class StopSignals {
  private StopSignals() {}

  /**
   * Calls {@code stop} (on the JVM's signal thread) when the process gets SIGTERM or SIGINT.
   * Where a signal cannot be handled (an unusual platform), the JVM's default stays.
   */
  static void onTermOrInt(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> stop.run());
      } catch (IllegalArgumentException unsupported) {
        // the default: shutdown hooks, exit 128 + n
      }
    }
  }
}
