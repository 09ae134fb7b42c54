/**
 * How a service logs: the console format ({@code log-format} = text or json) applied before it
 * starts, the MDC fields that tie a line to a payment result, and logging that cannot flood
 * (repeated warnings as one line per interval).
 */
@NullMarked
package io.posrelay.runtime.log;

import org.jspecify.annotations.NullMarked;
