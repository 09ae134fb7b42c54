/**
 * The meters of relay-server and the HTTP endpoint that serves them as Prometheus text. Internal to relay-server.
 */
@NullMarked
package io.posrelay.relay.metrics;

import org.jspecify.annotations.NullMarked;
