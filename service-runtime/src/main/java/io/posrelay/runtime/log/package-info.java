/** Logging that cannot flood: repeated warnings as one line per interval. */
@NullMarked
package io.posrelay.runtime.log;

import org.jspecify.annotations.NullMarked;
