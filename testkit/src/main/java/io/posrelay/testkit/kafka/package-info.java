/**
 * An embedded single-node KRaft Kafka broker, the POS Relay topics created on a cluster, and a
 * producer that stalls as one does while Kafka is unreachable.
 */
@NullMarked
package io.posrelay.testkit.kafka;

import org.jspecify.annotations.NullMarked;
