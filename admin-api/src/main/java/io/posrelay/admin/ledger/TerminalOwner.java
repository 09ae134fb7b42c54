package io.posrelay.admin.ledger;

/**
 * Which admin-api instance holds a terminal's ledger partition now, as Kafka Streams' metadata
 * says ({@link LedgerStreams#ownerOfTerminal}): results and claims are keyed, so partitioned, by
 * terminal_id, so all of one terminal's records live in one partition, on the one instance that
 * runs its active task. A listing of one terminal asks only that instance.
 */
public sealed interface TerminalOwner {
  /** This instance holds it. */
  TerminalOwner HERE = new Here();
  /** Not known now (a rebalance, the ledger not yet RUNNING): ask every instance. */
  TerminalOwner UNKNOWN = new Unknown();

  /** This instance. */
  record Here() implements TerminalOwner {}

  /**
   * Another instance.
   *
   * @param address its {@code application.server} ({@code host:port} of its gRPC listener)
   */
  record Peer(String address) implements TerminalOwner {}

  /** Not known now. */
  record Unknown() implements TerminalOwner {}
}
