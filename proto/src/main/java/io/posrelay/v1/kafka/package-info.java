/** Kafka serdes and topic definitions for the POS Relay event messages. */
@NullMarked
package io.posrelay.v1.kafka;

import org.jspecify.annotations.NullMarked;
