/** Every meter admin-api serves at {@code GET /metrics}, listed once: {@link AdminMeters}. */
@NullMarked
package io.posrelay.admin.metrics;

import org.jspecify.annotations.NullMarked;
