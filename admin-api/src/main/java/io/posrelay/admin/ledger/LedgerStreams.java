package io.posrelay.admin.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running ledger: a {@link KafkaStreams} instance of {@link LedgerTopology} with
 * exactly-once processing, and interactive-query access to the stores of the partitions it holds.
 * Its properties are admin-api's ledger client role ({@code AdminKeys.ledgerProperties}).
 * Thread-safe.
 */
public final class LedgerStreams implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LedgerStreams.class);

  private final KafkaStreams streams;
  private final String self;
  private final CountDownLatch settled = new CountDownLatch(1);
  /** Stream-thread replacements allowed within {@link #REPLACEMENT_WINDOW} before giving up. */
  static final int MAX_REPLACEMENTS = 10;
  static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);
  private final java.util.ArrayDeque<Long> replacements = new java.util.ArrayDeque<>();

  private LedgerStreams(Topology topology, Properties props, Consumer<Boolean> onRunning) {
    streams = new KafkaStreams(topology, props);
    self = props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG, "");
    streams.setStateListener(
        (newState, oldState) -> {
          log.info("ledger {} → {}", oldState, newState);
          boolean isRunning = newState == KafkaStreams.State.RUNNING;
          if (isRunning || !newState.isRunningOrRebalancing()) {
            settled.countDown();
          }
          onRunning.accept(isRunning);
        });
    streams.setUncaughtExceptionHandler(this::onStreamThreadFailure);
  }

  /**
   * A failed stream thread is replaced, so the ledger outlives transient faults: after a broker
   * outage longer than the transaction timeout, for instance, the exactly-once producer's commit
   * fails with {@code InvalidTxnStateException} and the replacement thread resumes from the last
   * committed transaction (Kafka Streams' EOS semantics: nothing is applied twice). A fault that
   * keeps coming back ({@value #MAX_REPLACEMENTS} replacements within {@link
   * #REPLACEMENT_WINDOW}) stops the ledger, which then reports NOT_SERVING.
   */
  private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onStreamThreadFailure(
      Throwable e) {
    long now = System.nanoTime();
    synchronized (replacements) {
      replacements.removeIf(t -> now - t > REPLACEMENT_WINDOW.toNanos());
      if (replacements.size() >= MAX_REPLACEMENTS) {
        log.error("ledger stream thread failed {} times within {}; stopping the ledger",
            replacements.size() + 1, REPLACEMENT_WINDOW, e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
      replacements.add(now);
    }
    log.warn("ledger stream thread failed; replacing it: {}", e.toString(), e);
    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /**
   * Starts the ledger. It serves queries once RUNNING (after restoring its stores).
   *
   * @param topology {@link LedgerTopology#build}
   * @param props the Kafka Streams properties, with {@code processing.guarantee=exactly_once_v2}
   *     and {@code application.server} (this instance's gRPC {@code host:port}, how the other
   *     instances reach it for fanned-out queries)
   * @param onRunning called with true when the ledger enters RUNNING and false when it leaves it
   * @throws org.apache.kafka.streams.errors.StreamsException if the state directory is locked by
   *     another instance or unusable
   */
  public static LedgerStreams start(
      Topology topology, Properties props, Consumer<Boolean> onRunning) {
    LedgerStreams ledger = new LedgerStreams(topology, props, onRunning);
    ledger.streams.start();
    return ledger;
  }

  /** The underlying Kafka Streams instance, for metrics binders. */
  public KafkaStreams kafkaStreams() {
    return streams;
  }

  /**
   * Waits until the ledger is RUNNING (its stores restored) for the first time.
   *
   * @return false if {@code timeout} passed first
   * @throws IllegalStateException if the ledger stopped instead (ERROR, or closed)
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    KafkaStreams.State state = streams.state();
    if (!state.isRunningOrRebalancing()) {
      throw new IllegalStateException("ledger stopped while starting (state " + state
          + "); see the log for the cause");
    }
    return true;
  }

  /** Kafka Streams' state now: RUNNING when queries can be served. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * The stores of every partition this instance holds as an active task.
   *
   * @throws LedgerUnavailableException unless the ledger is RUNNING
   */
  public List<LedgerPartition> partitions() {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      throw new LedgerUnavailableException("ledger restoring (state " + state + ")");
    }
    List<LedgerPartition> partitions = new ArrayList<>();
    try {
      for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
        for (TaskMetadata task : thread.activeTasks()) {
          int p = task.taskId().partition();
          partitions.add(
              new LedgerPartition(
                  store(LedgerStoreNames.RECORDS, p),
                  store(LedgerStoreNames.BY_STATUS, p),
                  store(LedgerStoreNames.COUNTS, p),
                  store(LedgerStoreNames.BY_TERMINAL, p),
                  store(LedgerStoreNames.PENDING_INDEX, p),
                  p));
        }
      }
    } catch (InvalidStateStoreException e) {
      throw new LedgerUnavailableException("ledger restoring: " + e.getMessage(), e);
    }
    return partitions;
  }

  /**
   * The partition that holds {@code terminalId}'s results and claims: both topics are keyed by
   * terminal_id and partitioned by Kafka's default partitioner (murmur2 of the key's UTF-8
   * bytes), which Kafka Streams' key query metadata applies to the ledger's source topics.
   *
   * @return the partition, or -1 when the metadata is not available (a rebalance)
   */
  public int partitionOfTerminal(String terminalId) {
    KeyQueryMetadata metadata = streams.queryMetadataForKey(
        LedgerStoreNames.RECORDS, terminalId, Serdes.String().serializer());
    return metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE
        ? -1 : metadata.partition();
  }

  /**
   * Which instance holds {@code terminalId}'s partition as an active task now: the partition as
   * {@link #partitionOfTerminal}, its active host from Kafka Streams' key query metadata. Never
   * blocks (local metadata only).
   *
   * @return {@link TerminalOwner#HERE}, a {@link TerminalOwner.Peer} with its {@code
   *     application.server}, or {@link TerminalOwner#UNKNOWN} when the metadata is not available
   *     (a rebalance, not started)
   */
  public TerminalOwner ownerOfTerminal(String terminalId) {
    KeyQueryMetadata metadata;
    try {
      metadata = streams.queryMetadataForKey(
          LedgerStoreNames.RECORDS, terminalId, Serdes.String().serializer());
    } catch (RuntimeException notRunning) { // StreamsNotStartedException, a closed instance
      return TerminalOwner.UNKNOWN;
    }
    if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE
        || metadata.activeHost() == null || metadata.activeHost().port() <= 0) {
      return TerminalOwner.UNKNOWN;
    }
    String address = metadata.activeHost().host() + ":" + metadata.activeHost().port();
    return address.equals(self) ? TerminalOwner.HERE : new TerminalOwner.Peer(address);
  }

  /**
   * The {@code application.server} ({@code host:port}) of every other instance of this
   * application that holds ledger partitions as active tasks now.
   */
  public List<String> peers() {
    List<String> peers = new ArrayList<>();
    for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
      String address = m.host() + ":" + m.port();
      if (!address.equals(self) && !m.topicPartitions().isEmpty()) {
        peers.add(address);
      }
    }
    return peers;
  }

  private <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore())
            .withPartition(partition));
  }

  /**
   * Closes Kafka Streams within 20 s: commits the open transaction, writes checkpoints and leaves
   * the consumer group, so the partitions move to another instance (or to this one restarted) at
   * once instead of after the session timeout. Idempotent.
   */
  @Override
  public void close() {
    if (!streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(20)))) {
      log.warn("ledger did not close within 20 s");
    }
  }
}
