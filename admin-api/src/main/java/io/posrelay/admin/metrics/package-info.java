/** Serves the service's meters as Prometheus text over HTTP ({@code GET /metrics}). */
@NullMarked
package io.posrelay.admin.metrics;

import org.jspecify.annotations.NullMarked;
