package io.posrelay.testkit.cluster;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a child process of {@link LocalCluster} (any {@link ChildProcess}) follow its parent, so that no process is left
 * behind: the child ignores SIGINT (a Ctrl-C in the terminal reaches the whole process group, but
 * the parent stops its children itself, in reverse start order, with SIGTERM), and exits when
 * the parent process exits, whatever the cause (even SIGKILL).
 *
 * <p>Active only when the environment variable {@value #PARENT_PID_ENV} names the parent's pid;
 * a service started by hand is not affected. Stateless; the main class of a {@link ChildLauncher}
 * calls {@link #installIfChild()} first.
 */
public final class ChildGuard {
  /** Environment variable with the pid of the supervising process (relayctl, a test). */
  public static final String PARENT_PID_ENV = "POSRELAY_PARENT_PID";

  private static final Logger log = LoggerFactory.getLogger(ChildGuard.class);

  private ChildGuard() {}

  /**
   * {@code sun.misc.Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN)}, through reflection:
   * javac offers no way to silence its "internal proprietary API" warning on a direct call.
   * jdk.unsupported exports sun.misc, so this works without JVM flags; if it ever fails, the child
   * merely stops on Ctrl-C together with its parent.
   */
  private static void ignoreSigint() {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object ignore = handlerClass.getField("SIG_IGN").get(null);
      Object sigint = signalClass.getConstructor(String.class).newInstance("INT");
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, sigint, ignore);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("cannot ignore SIGINT ({}); Ctrl-C stops this child directly", e.toString());
    }
  }

  /** Installs the guard if this process was started by {@link ChildProcess}; else does nothing. */
  public static void installIfChild() {
    String parentPid = System.getenv(PARENT_PID_ENV);
    if (parentPid == null || parentPid.isBlank()) {
      return;
    }
    Optional<ProcessHandle> parent;
    try {
      parent = ProcessHandle.of(Long.parseLong(parentPid.trim()));
    } catch (NumberFormatException e) {
      log.warn("{}: '{}' (expected: a pid); not following a parent", PARENT_PID_ENV, parentPid);
      return;
    }
    ignoreSigint();
    if (parent.isEmpty()) {
      log.warn("parent process {} is gone; exiting", parentPid);
      System.exit(1);
    }
    parent
        .get()
        .onExit()
        .thenRun(
            () -> {
              log.warn("parent process {} exited; shutting down", parentPid);
              System.exit(1);
            });
  }
}
