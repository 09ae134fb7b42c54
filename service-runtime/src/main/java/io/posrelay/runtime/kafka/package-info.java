/**
 * Kafka as every service uses it: the shared deployment keys, the start-up topic check, and the
 * bounded hand-off of records to a producer off the threads that must not wait for Kafka.
 */
@NullMarked
package io.posrelay.runtime.kafka;

import org.jspecify.annotations.NullMarked;
