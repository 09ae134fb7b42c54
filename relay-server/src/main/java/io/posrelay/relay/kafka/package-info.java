/**
 * The Kafka-facing side of relay-server: the broadcast readers (results, sessions, delivery
 * events) and the claims and sessions publishers, which hand every send to a thread of their own
 * through a bounded queue, never sending from a POS event loop. Internal to relay-server.
 */
@NullMarked
package io.posrelay.relay.kafka;

import org.jspecify.annotations.NullMarked;
