/** Kafka as every service uses it: the shared deployment keys and the start-up topic check. */
@NullMarked
package io.posrelay.runtime.kafka;

import org.jspecify.annotations.NullMarked;
