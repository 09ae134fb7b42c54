/** A POS Relay cluster on this machine, one child process per service: demos, benchmarks. */
@NullMarked
package io.posrelay.testkit.cluster;

import org.jspecify.annotations.NullMarked;
