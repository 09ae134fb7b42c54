/**
 * Configuration: one typed definition per key ({@link io.posrelay.runtime.config.ConfigKey}), the
 * table of a service ({@link io.posrelay.runtime.config.ConfigSpec}), where values come from
 * ({@link io.posrelay.runtime.config.ConfigSources}) and the Kafka pass-through.
 */
@NullMarked
package io.posrelay.runtime.config;

import org.jspecify.annotations.NullMarked;
