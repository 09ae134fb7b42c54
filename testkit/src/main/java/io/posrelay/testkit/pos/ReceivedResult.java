package io.posrelay.testkit.pos;

import io.posrelay.v1.PaymentResult;
import java.time.Instant;

/**
 * A payment result as a simulated terminal received it.
 *
 * @param terminalId the terminal that received it
 * @param nodeId the relay node of the terminal's session (from Welcome)
 * @param result the result frame's content
 * @param receivedNanos {@link System#nanoTime()} at arrival, for latencies within this JVM
 * @param receivedAt wall-clock time at arrival
 * @param duplicate true if this terminal simulator had received this result_id before
 */
public record ReceivedResult(
    String terminalId,
    String nodeId,
    PaymentResult result,
    long receivedNanos,
    Instant receivedAt,
    boolean duplicate) {}
