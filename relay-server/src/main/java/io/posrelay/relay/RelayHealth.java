package io.posrelay.relay;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.posrelay.relay.kafka.BroadcastConsumer;
import io.posrelay.relay.kafka.ReaderReadiness;
import io.posrelay.runtime.management.Health;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A relay node's health, as {@link RelayServer} wires it: its readers and POS listener as
 * readiness components, its event loops as liveness components, and the first reader that gives
 * up as the node's failure. Thread-safe: the {@link Health} registry is, and {@code failure} is
 * completed once.
 */
final class RelayHealth {
  final Health health = new Health(RelayKeys.SPEC.service());
  final CompletableFuture<String> failure = new CompletableFuture<>();

  /**
   * Makes {@code reader} a readiness component ({@link ReaderReadiness}) and its giving up the
   * node's failure.
   *
   * @param component e.g. {@code results-reader}
   * @param maxLagRecords its lag bound, or {@link ReaderReadiness#NO_LAG_BOUND}
   */
  void reader(BroadcastConsumer<?> reader, String component, long maxLagRecords) {
    health.readiness(component,
        () -> ReaderReadiness.of(reader.snapshot(), maxLagRecords, ReaderReadiness.MAX_POLL_GAP));
    reader.failure().thenAccept(failure::complete);
  }

  /**
   * The POS listener: ready while bound and open; the accept loop and the event loops must
   * answer for the node to be live.
   *
   * @param listener the bound server channel, null until bound
   * @param connections the open POS connections, counted in the detail
   */
  void posListener(Supplier<@Nullable Channel> listener, ChannelGroup connections,
      EventLoopGroup accept, EventLoopGroup eventLoops) {
    health.liveness("pos-accept-loop", accept).liveness("pos-event-loops", eventLoops);
    health.readiness("pos-listener", () -> {
      Channel channel = listener.get();
      if (channel == null) {
        return Health.Status.down("not bound yet");
      }
      return channel.isActive() ? Health.Status.up("listening on " + channel.localAddress()
          + ", " + connections.size() + " connection(s)") : Health.Status.down("closed");
    });
  }
}
