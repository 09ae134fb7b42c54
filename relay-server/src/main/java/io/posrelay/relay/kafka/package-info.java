/**
 * The Kafka-facing side of relay-server: the broadcast results consumer and the claims producer. The only package of this module that imports {@code org.apache.kafka}. Internal to relay-server.
 */
@NullMarked
package io.posrelay.relay.kafka;

import org.jspecify.annotations.NullMarked;
