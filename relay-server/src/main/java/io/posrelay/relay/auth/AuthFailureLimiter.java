package io.posrelay.relay.auth;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Limits failed authentications per remote address: after {@code maxFailures} failed Hellos
 * from one address within {@code window}, that address's Hellos are refused without being
 * checked for {@code cooldown}. The failure times are a sliding window, not fixed buckets.
 *
 * <p>Bounded: at most {@code maxAddresses} addresses are tracked; an address whose failures
 * have all left the window and which is not cooling down is forgotten when seen again, and when
 * the table is full the address that failed least recently is dropped to make room.
 *
 * <p>Thread-safe (one lock; the work under it is a map lookup).
 */
public final class AuthFailureLimiter {
  /** Default most tracked addresses: about 8 MiB of memory at most. */
  public static final int DEFAULT_MAX_ADDRESSES = 65_536;

  private final int maxFailures;
  private final long windowNanos;
  private final long cooldownNanos;
  private final int maxAddresses;
  private final LongSupplier nanoTime;
  private final LinkedHashMap<String, Failures> byAddress = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * @param maxFailures failures within the window that start a cool-down, >= 1 (one {@code
   *     long} per failure is kept per address)
   * @param window how far back failures count, > 0
   * @param cooldown how long an address is refused once it reached {@code maxFailures}, > 0
   * @param maxAddresses most addresses tracked at once, >= 1
   * @param nanoTime a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
   * @throws IllegalArgumentException if a value is out of range
   */
  public AuthFailureLimiter(int maxFailures, Duration window, Duration cooldown, int maxAddresses,
      LongSupplier nanoTime) {
    if (maxFailures < 1 || window.isNegative() || window.isZero() || cooldown.isNegative()
        || cooldown.isZero() || maxAddresses < 1) {
      throw new IllegalArgumentException("auth failure limit: maxFailures=" + maxFailures
          + " window=" + window + " cooldown=" + cooldown + " maxAddresses=" + maxAddresses
          + " (expected: >= 1, > 0, > 0, >= 1)");
    }
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.cooldownNanos = cooldown.toNanos();
    this.maxAddresses = maxAddresses;
    this.nanoTime = nanoTime;
  }

  /**
   * How long {@code address} is still refused.
   *
   * @param address the remote address (an IP address in text form)
   * @return the remaining cool-down in nanoseconds, or 0 if its Hello may be checked
   */
  public synchronized long cooldownRemainingNanos(String address) {
    Failures failures = byAddress.get(address);
    if (failures == null) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    long remaining = failures.blockedUntil - now;
    if (failures.blocked && remaining > 0) {
      return remaining;
    }
    failures.blocked = false;
    if (failures.expired(now)) {
      byAddress.remove(address);
    }
    return 0;
  }

  /**
   * Records a failed authentication from {@code address}.
   *
   * @param address the remote address (an IP address in text form)
   * @return {@code true} if this failure started a cool-down for the address
   */
  public synchronized boolean recordFailure(String address) {
    long now = nanoTime.getAsLong();
    Failures failures = byAddress.get(address);
    if (failures == null) {
      makeRoom(now);
      failures = new Failures(maxFailures);
      byAddress.put(address, failures);
    }
    if (failures.add(now) && !failures.blocked) {
      failures.blocked = true;
      failures.blockedUntil = now + cooldownNanos;
      return true;
    }
    return false;
  }

  /** Addresses tracked now (with recent failures or cooling down), <= maxAddresses. */
  public synchronized int trackedAddresses() {
    return byAddress.size();
  }

  private void makeRoom(long now) {
    if (byAddress.size() < maxAddresses) {
      return;
    }
    for (Iterator<Map.Entry<String, Failures>> it = byAddress.entrySet().iterator();
        it.hasNext(); ) {
      Failures f = it.next().getValue();
      if (f.expired(now) && !(f.blocked && f.blockedUntil - now > 0)) {
        it.remove();
      }
    }
    if (byAddress.size() >= maxAddresses) {
      Iterator<String> eldest = byAddress.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /** The last {@code maxFailures} failure times of one address, a ring. */
  private final class Failures {
    private final long[] times;
    private int count;
    private int next;
    boolean blocked;
    long blockedUntil;

    Failures(int size) {
      times = new long[size];
    }

    /** Adds a failure at {@code now}; {@code true} if the window now holds maxFailures. */
    boolean add(long now) {
      times[next] = now;
      next = (next + 1) % times.length;
      count = Math.min(count + 1, times.length);
      // With the ring full, times[next] is the oldest of the last maxFailures failures.
      return count == times.length && now - times[next % times.length] < windowNanos;
    }

    /** Whether every recorded failure is older than the window. */
    boolean expired(long now) {
      int newest = Math.floorMod(next - 1, times.length);
      return count == 0 || now - times[newest] >= windowNanos;
    }
  }
}
