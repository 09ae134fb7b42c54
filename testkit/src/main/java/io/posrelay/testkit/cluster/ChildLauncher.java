package io.posrelay.testkit.cluster;

/**
 * How a child JVM of a {@link LocalCluster} is started: {@code java -cp <this JVM's class path>
 * <mainClass> <command> <flags>}, one command per process: {@code kafka} (an {@link
 * io.posrelay.testkit.kafka.EmbeddedKafka}), {@code ilk-ingest}, {@code relay-server} or {@code
 * admin-api}, each with the flags of the relayctl command of that name. The main class calls
 * {@link ChildGuard#installIfChild()} first, so that the child follows this process. The test kit
 * cannot name the services' commands (their tests depend on it), so the caller that can supplies
 * the main class: relayctl's {@code RelayCtl}, or a test's own.
 *
 * @param mainClass the fully qualified name of a class with a {@code main} method, on this JVM's
 *     class path
 * @param byHand how an operator runs the same commands by hand, e.g. {@code bin/relayctl}: named
 *     in the message about a child that exited unexpectedly, followed by its arguments
 */
public record ChildLauncher(String mainClass, String byHand) {
  /**
   * @throws IllegalArgumentException if {@code mainClass} is blank
   */
  public ChildLauncher {
    if (mainClass.isBlank()) {
      throw new IllegalArgumentException("mainClass: '' (expected: a class name)");
    }
  }
}
