package io.posrelay.testkit.pos;

import com.google.common.net.HostAndPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.v1.PaymentResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated POS terminal: keeps one connection to a relay node, reconnecting with exponential
 * backoff (200 ms doubling to 5 s, with jitter) to the next address in the list whenever the
 * connection fails or closes, until the simulator is closed.
 *
 * <p>Thread-safe: state changes happen on Netty event loop threads and are published through
 * volatile fields.
 */
final class PosTerminal {
  private static final Logger log = LoggerFactory.getLogger(PosTerminal.class);
  private static final long INITIAL_BACKOFF_MILLIS = 200;
  private static final long MAX_BACKOFF_MILLIS = 5_000;
  /** The protocol version every simulated terminal offers in Hello. */
  static final int PROTOCOL_VERSION = 2;

  private final PosSimulator simulator;
  private final Bootstrap bootstrap;
  private final String terminalId;
  private final String merchantId;
  private final String authToken;
  private int addressIndex;
  private long backoffMillis = INITIAL_BACKOFF_MILLIS;
  private volatile @Nullable Channel channel;
  private volatile @Nullable String nodeId;
  private volatile int sessionVersion;
  private final PosInquiries inquiries = new PosInquiries();

  PosTerminal(PosSimulator simulator, Bootstrap bootstrap, String terminalId, int addressIndex) {
    this.simulator = simulator;
    this.bootstrap = bootstrap;
    this.terminalId = terminalId;
    this.merchantId = SimTerminals.merchantId(terminalId);
    this.authToken = simulator.security().tokenOf(terminalId);
    this.addressIndex = addressIndex;
  }

  String terminalId() {
    return terminalId;
  }

  String merchantId() {
    return merchantId;
  }

  /** The Hello auth_token: the terminal token of this id, or empty without secrets. */
  String authToken() {
    return authToken;
  }

  /** The node of the current session; null while not welcomed. */
  @Nullable String nodeId() {
    return nodeId;
  }

  /** Connects to the current address; on failure schedules a reconnect. */
  synchronized void connect() {
    if (simulator.isClosed()) {
      return;
    }
    HostAndPort address = simulator.address(addressIndex);
    ChannelFuture future =
        bootstrap
            .clone()
            .handler(new PosSimChannelInitializer(this, simulator.security().tls(), address))
            .connect(address.getHost(), address.getPort());
    channel = future.channel();
    future.addListener(
        f -> {
          if (!f.isSuccess()) {
            log.debug("terminal {} cannot connect to {}: {}", terminalId, address,
                f.cause().getMessage());
            scheduleReconnect();
          }
        });
  }

  /** Welcome received: the session is up. */
  void onWelcome(Welcome welcome) {
    synchronized (this) {
      backoffMillis = INITIAL_BACKOFF_MILLIS;
    }
    sessionVersion = welcome.getProtocolVersion() == 0 ? 1 : welcome.getProtocolVersion();
    nodeId = welcome.getNodeId();
    simulator.onConnected(this);
  }

  PosInquiries inquiries() {
    return inquiries;
  }

  /**
   * Sends an inquiry on the current session.
   *
   * @param request builds the request frame around the request_id it is given
   * @return the answer frame; failed with IllegalStateException if the terminal has no session
   *     or its session speaks protocol version 1
   */
  CompletableFuture<PosFrame> ask(Function<String, PosFrame> request) {
    Channel current = channel;
    if (current == null || nodeId == null || !current.isActive()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("terminal " + terminalId + " has no session"));
    }
    if (sessionVersion < 2) {
      return CompletableFuture.failedFuture(new IllegalStateException("terminal " + terminalId
          + ": the node speaks protocol version " + sessionVersion + "; inquiries need 2"));
    }
    return inquiries.send(current, request);
  }

  /** Sends an Ack on the current session, if there is one. */
  void ack(String resultId) {
    Channel current = channel;
    if (current != null && current.isActive()) {
      current.writeAndFlush(PosFrame.newBuilder()
          .setAck(Ack.newBuilder().setResultId(resultId)).build());
    }
  }

  /** A payment_result frame arrived. */
  void onResult(PaymentResult result) {
    String node = nodeId;
    simulator.onResult(this, node == null ? "" : node, result);
  }

  /** The connection closed (after or before Welcome). */
  void onDisconnected() {
    if (nodeId != null) {
      nodeId = null;
      simulator.onDisconnected(this);
    }
    scheduleReconnect();
  }

  private synchronized void scheduleReconnect() {
    if (simulator.isClosed()) {
      return;
    }
    addressIndex++;
    long delay = backoffMillis + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    bootstrap.config().group().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  /** Closes the connection (the simulator is closed first, so no reconnect follows). */
  void close() {
    Channel current = channel;
    if (current != null) {
      current.close();
    }
  }
}
