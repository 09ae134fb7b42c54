package io.posrelay.admin.ledger;

import java.time.Duration;

/**
 * The ledger's deadlines and its reversal policy, validated once at start (admin-api's keys).
 *
 * @param claimDeadline PENDING longer than this becomes FAILED(UNCLAIMED); > 0
 * @param ackTimeout the relay nodes' ack timeout; DELIVERING longer than it plus the claim
 *     deadline becomes FAILED(ACK_TIMEOUT); > 0
 * @param retention FAILED or DELIVERED longer than this becomes EXPIRED, REVERSAL_REQUIRED longer
 *     than this plus {@code grace} is purged; > 0
 * @param grace EXPIRED longer than this is purged; > 0
 * @param reversal which results get a reversal decision, and when
 */
public record LedgerSettings(Duration claimDeadline, Duration ackTimeout, Duration retention,
    Duration grace, ReversalPolicy reversal) {}
