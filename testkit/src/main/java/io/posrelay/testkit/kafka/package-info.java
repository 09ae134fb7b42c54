/** An embedded single-node KRaft Kafka broker, and the POS Relay topics created on a cluster. */
@NullMarked
package io.posrelay.testkit.kafka;

import org.jspecify.annotations.NullMarked;
