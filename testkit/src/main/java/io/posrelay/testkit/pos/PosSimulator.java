package io.posrelay.testkit.pos;

import com.google.common.net.HostAndPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.RecentRequest;
import io.posrelay.pos.v1.RecentResponse;
import io.posrelay.pos.v1.StatusRequest;
import io.posrelay.pos.v1.StatusResponse;
import io.posrelay.v1.PaymentResult;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Simulated POS terminals against relay nodes: each terminal keeps one connection (round-robin
 * over the addresses, moving on to the next address after a disconnect), says Hello, pings, acks
 * every payment_result and deduplicates results by result_id. One shared Netty event loop group
 * serves all terminals.
 *
 * <p>Thread-safe. The {@link Listener} is called on Netty event loop threads.
 */
public final class PosSimulator implements AutoCloseable {
  /** Receives every payment_result frame (duplicates too, flagged). Must be quick and thread-safe. */
  @FunctionalInterface
  public interface Listener {
    /** Called once per payment_result frame received by any terminal. */
    void onResult(ReceivedResult result);
  }

  private final List<HostAndPort> addresses;
  private final Listener listener;
  private final PosSimSecurity security;
  private final EventLoopGroup group;
  private final List<PosTerminal> terminals = new ArrayList<>();
  private final Map<String, Boolean> seenResultIds = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> resultsByNode = new ConcurrentHashMap<>();
  private final LongAdder duplicates = new LongAdder();
  private final AtomicLong connectedTerminals = new AtomicLong();
  private final Object connectedMonitor = new Object();
  private volatile boolean closed;

  private PosSimulator(List<HostAndPort> addresses, Listener listener, PosSimSecurity security) {
    this.addresses = List.copyOf(addresses);
    this.listener = listener;
    this.security = security;
    // Epoll where available, as the relay nodes: 100,000 simulated terminals must cost little.
    this.group = new MultiThreadIoEventLoopGroup(
        Math.min(4, Runtime.getRuntime().availableProcessors()),
        Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /**
   * Starts connecting the terminals; returns at once (see {@link #awaitAllConnected}).
   *
   * @param addresses relay nodes' POS addresses, at least one; terminal i starts at address i mod n
   * @param terminalIds the terminals to simulate, each [A-Za-z0-9_-]{1,64}; may be empty
   * @param listener receives every result frame
   * @return the running simulator
   * @throws IllegalArgumentException if addresses is empty or one has no port
   */
  public static PosSimulator start(
      List<HostAndPort> addresses, List<String> terminalIds, Listener listener) {
    return start(addresses, terminalIds, listener, PosSimSecurity.NONE, List.of(), 0);
  }

  /**
   * Like {@link #start(List, List, Listener)}, with terminal tokens and TLS.
   *
   * @param security each terminal's Hello token comes from its secrets; TLS when it has a context
   * @throws IllegalArgumentException if addresses is empty or one has no port
   */
  public static PosSimulator start(List<HostAndPort> addresses, List<String> terminalIds,
      Listener listener, PosSimSecurity security) {
    return start(addresses, terminalIds, listener, security, List.of(), 0);
  }

  /**
   * As {@link #start(List, List, Listener, PosSimSecurity)}, with the connections spread over
   * local source addresses and opened at a bounded rate (for many thousands of terminals: one
   * source address has at most ~28,000 ephemeral ports).
   *
   * @param security each terminal's Hello token comes from its secrets; TLS when it has a context
   * @param sourceAddresses terminal i binds its socket to {@code sourceAddresses[i mod n]}, any
   *     port; empty = let the system choose
   * @param connectsPerSecond first connects started per second, >= 0; 0 = all at once
   * @throws IllegalArgumentException if addresses is empty or one has no port, or
   *     connectsPerSecond is negative
   */
  public static PosSimulator start(List<HostAndPort> addresses, List<String> terminalIds,
      Listener listener, PosSimSecurity security, List<InetAddress> sourceAddresses,
      int connectsPerSecond) {
    if (connectsPerSecond < 0) {
      throw new IllegalArgumentException(
          "connect-rate: " + connectsPerSecond + " (expected: >= 0)");
    }
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("pos: [] (expected: at least one HOST:PORT)");
    }
    for (HostAndPort address : addresses) {
      if (!address.hasPort()) {
        throw new IllegalArgumentException("pos: '" + address + "' (expected: HOST:PORT)");
      }
    }
    PosSimulator simulator = new PosSimulator(addresses, listener, security);
    Bootstrap bootstrap =
        new Bootstrap()
            .group(simulator.group)
            .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3_000);
    List<Bootstrap> bootstraps = sourceAddresses.isEmpty() ? List.of(bootstrap)
        : sourceAddresses.stream().map(a -> bootstrap.clone().localAddress(a, 0)).toList();
    for (int i = 0; i < terminalIds.size(); i++) {
      PosTerminal terminal = new PosTerminal(simulator, bootstraps.get(i % bootstraps.size()),
          terminalIds.get(i), i % addresses.size());
      simulator.terminals.add(terminal);
    }
    for (int i = 0; i < simulator.terminals.size(); i++) {
      PosTerminal terminal = simulator.terminals.get(i);
      if (connectsPerSecond == 0) {
        terminal.connect();
      } else {
        simulator.group.schedule(terminal::connect, i * 1_000_000_000L / connectsPerSecond,
            TimeUnit.NANOSECONDS);
      }
    }
    return simulator;
  }

  /**
   * Asks the relay node what became of one of {@code terminalId}'s results (protocol version 2).
   * The request_id is set by the simulator.
   *
   * @param terminalId one of the simulated terminals, connected
   * @param request exactly one of transaction_id and result_id; its request_id is replaced
   * @return the answer; failed with {@link PosInquiryException} if the node answered with an
   *     Error (CODE_UNAVAILABLE, CODE_INVALID_REQUEST), with IllegalStateException if the
   *     terminal has no version 2 session, with ClosedChannelException if the connection closed
   *     first
   * @throws IllegalArgumentException if {@code terminalId} is not simulated here
   */
  public CompletableFuture<StatusResponse> statusRequest(String terminalId,
      StatusRequest request) {
    return terminal(terminalId).ask(id -> PosFrame.newBuilder()
            .setStatusRequest(request.toBuilder().setRequestId(id)).build())
        .thenApply(frame -> answerOf(frame).getStatusResponse());
  }

  /**
   * Asks the relay node for {@code terminalId}'s newest results, newest first (protocol version
   * 2).
   *
   * @param terminalId one of the simulated terminals, connected
   * @param limit how many, 1..20
   * @return the answer; failed as {@link #statusRequest}
   * @throws IllegalArgumentException if {@code terminalId} is not simulated here
   */
  public CompletableFuture<RecentResponse> recentRequest(String terminalId, int limit) {
    return terminal(terminalId).ask(id -> PosFrame.newBuilder()
            .setRecentRequest(RecentRequest.newBuilder().setRequestId(id).setLimit(limit))
            .build())
        .thenApply(frame -> answerOf(frame).getRecentResponse());
  }

  /**
   * Sends an Ack of {@code resultId} on {@code terminalId}'s session, if it has one: how a
   * terminal acks a result it learnt of from an inquiry (results written to it are acked
   * anyway).
   *
   * @throws IllegalArgumentException if {@code terminalId} is not simulated here
   */
  public void ack(String terminalId, String resultId) {
    terminal(terminalId).ack(resultId);
  }

  private PosTerminal terminal(String terminalId) {
    for (PosTerminal terminal : terminals) {
      if (terminal.terminalId().equals(terminalId)) {
        return terminal;
      }
    }
    throw new IllegalArgumentException("terminal " + terminalId + " is not simulated here");
  }

  private static PosFrame answerOf(PosFrame frame) {
    if (frame.hasError()) {
      throw new PosInquiryException(frame.getError());
    }
    return frame;
  }

  /** Number of simulated terminals. */
  public int terminals() {
    return terminals.size();
  }

  /** Terminals that hold a session now (welcomed, not disconnected since). */
  public int connectedTerminals() {
    return (int) connectedTerminals.get();
  }

  /**
   * Waits until every terminal holds a session.
   *
   * @param timeout bound
   * @return true if all are connected, false if the timeout passed first
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitAllConnected(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (connectedMonitor) {
      while (connectedTerminals() < terminals.size()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(connectedMonitor, left);
      }
      return true;
    }
  }

  /** Distinct result_ids received. */
  public long resultsReceived() {
    return seenResultIds.size();
  }

  /** Result frames received for a result_id already received: duplicate deliveries. */
  public long duplicates() {
    return duplicates.sum();
  }

  /** Result frames received (duplicates included) per relay node id, sorted by node. */
  public Map<String, Long> resultsByNode() {
    Map<String, Long> counts = new TreeMap<>();
    resultsByNode.forEach((node, count) -> counts.put(node, count.sum()));
    return counts;
  }

  /** Connected terminals per relay node id, sorted by node. */
  public Map<String, Integer> connectedByNode() {
    Map<String, Integer> counts = new TreeMap<>();
    for (PosTerminal terminal : terminals) {
      String node = terminal.nodeId();
      if (node != null) {
        counts.merge(node, 1, Integer::sum);
      }
    }
    return counts;
  }

  /** One line: connected, results, duplicates, per-node counts. */
  public String summary() {
    return "terminals=" + terminals() + " connected=" + connectedTerminals() + " "
        + connectedByNode() + " results=" + resultsReceived() + " duplicates=" + duplicates()
        + " results-by-node=" + resultsByNode();
  }

  PosSimSecurity security() {
    return security;
  }

  boolean isClosed() {
    return closed;
  }

  HostAndPort address(int index) {
    return addresses.get(Math.floorMod(index, addresses.size()));
  }

  void onConnected(PosTerminal terminal) {
    synchronized (connectedMonitor) {
      connectedTerminals.incrementAndGet();
      connectedMonitor.notifyAll();
    }
  }

  void onDisconnected(PosTerminal terminal) {
    connectedTerminals.decrementAndGet();
  }

  void onResult(PosTerminal terminal, String nodeId, PaymentResult result) {
    long receivedNanos = System.nanoTime();
    boolean duplicate = seenResultIds.putIfAbsent(result.getResultId(), Boolean.TRUE) != null;
    if (duplicate) {
      duplicates.increment();
    }
    resultsByNode.computeIfAbsent(nodeId, n -> new LongAdder()).increment();
    listener.onResult(
        new ReceivedResult(
            terminal.terminalId(), nodeId, result, receivedNanos, Instant.now(), duplicate));
  }

  /** Disconnects every terminal and stops the event loops (bounded: a few seconds). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    terminals.forEach(PosTerminal::close);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
