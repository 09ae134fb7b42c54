package io.posrelay.admin.events;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.posrelay.admin.v1.DeliveryEvent;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Fans delivery events out to WatchDeliveryEvents streams. Each subscriber has a bounded buffer
 * of {@code bufferSize} events, drained as fast as its transport is ready ({@link
 * ServerCallStreamObserver#isReady()}); a subscriber whose buffer is full when an event arrives is
 * cut off with RESOURCE_EXHAUSTED, so a slow reader never grows memory or slows the others. At most
 * {@code maxSubscribers} streams at once. Thread-safe.
 */
public final class EventFanout {
  private final int bufferSize;
  private final int maxSubscribers;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

  /**
   * @param bufferSize events buffered per subscriber, >= 1
   * @param maxSubscribers concurrent streams, >= 1
   */
  public EventFanout(int bufferSize, int maxSubscribers) {
    this.bufferSize = bufferSize;
    this.maxSubscribers = maxSubscribers;
  }

  /**
   * Streams every later event that {@code filter} accepts to {@code observer} until the client
   * cancels or falls {@code bufferSize} events behind.
   *
   * @throws io.grpc.StatusRuntimeException RESOURCE_EXHAUSTED if {@code maxSubscribers} streams
   *     are open already
   */
  public void subscribe(
      Predicate<DeliveryEvent> filter, ServerCallStreamObserver<DeliveryEvent> observer) {
    if (subscribers.size() >= maxSubscribers) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription("too many WatchDeliveryEvents streams (at most " + maxSubscribers + ")")
          .asRuntimeException();
    }
    Subscriber s = new Subscriber(filter, observer);
    observer.setOnCancelHandler(() -> subscribers.remove(s));
    observer.setOnReadyHandler(s::drain);
    subscribers.add(s);
  }

  /** Offers {@code event} to every subscriber. Never blocks. */
  public void publish(DeliveryEvent event) {
    for (Subscriber s : subscribers) {
      s.offer(event);
    }
  }

  /** How many streams are open. */
  public int subscribers() {
    return subscribers.size();
  }

  /** Ends every stream with UNAVAILABLE (the server is shutting down). */
  public void closeAll() {
    for (Subscriber s : subscribers) {
      s.end(Status.UNAVAILABLE.withDescription("admin-api is shutting down"));
    }
  }

  private final class Subscriber {
    private final Predicate<DeliveryEvent> filter;
    private final ServerCallStreamObserver<DeliveryEvent> observer;
    private final ArrayBlockingQueue<DeliveryEvent> buffer = new ArrayBlockingQueue<>(bufferSize);
    private boolean ended; // guarded by this

    Subscriber(Predicate<DeliveryEvent> filter, ServerCallStreamObserver<DeliveryEvent> observer) {
      this.filter = filter;
      this.observer = observer;
    }

    void offer(DeliveryEvent event) {
      if (!filter.test(event)) {
        return;
      }
      if (!buffer.offer(event)) {
        end(Status.RESOURCE_EXHAUSTED.withDescription(
            "reader fell more than " + bufferSize + " events behind; reconnect"));
        return;
      }
      drain();
    }

    synchronized void drain() {
      DeliveryEvent next;
      while (!ended && observer.isReady() && (next = buffer.poll()) != null) {
        observer.onNext(next);
      }
    }

    synchronized void end(Status status) {
      subscribers.remove(this);
      if (ended) {
        return;
      }
      ended = true;
      buffer.clear();
      if (!observer.isCancelled()) {
        observer.onError(status.asRuntimeException());
      }
    }
  }
}
