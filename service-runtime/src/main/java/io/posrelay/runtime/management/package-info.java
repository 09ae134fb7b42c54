/**
 * How a service is observed: its management HTTP listener ({@code /metrics}, {@code /health/live},
 * {@code /health/ready}), its meter registry and its health registry.
 */
@NullMarked
package io.posrelay.runtime.management;

import org.jspecify.annotations.NullMarked;
