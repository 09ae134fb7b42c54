/**
 * {@code relayctl}, the operator's command line of POS Relay: a local cluster with an embedded
 * Kafka broker ({@code local}, {@code kafka}), the POS terminal and ILK simulators ({@code pos-sim},
 * {@code ilk-sim}), an end-to-end {@code demo}, the benchmarks ({@code bench}), and the three
 * services as subcommands.
 *
 * <p>Each subcommand is one picocli class ({@code …Command}) that reads its options and calls the
 * code that does the work: the test kit's {@link io.posrelay.testkit.cluster.LocalCluster},
 * {@link io.posrelay.testkit.pos.PosSimulator}, {@link io.posrelay.testkit.ilk.IlkSimulator} and
 * {@link io.posrelay.testkit.kafka.EmbeddedKafka}, the bench module's benchmarks, and the
 * services' own commands. Sub-packages never import this one: {@code admin} (the ledger client),
 * {@code secure} (secure mode's options, {@code terminal-token}), {@code address} ({@code
 * HOST:PORT} arguments).
 */
@NullMarked
package io.posrelay.relayctl;

import org.jspecify.annotations.NullMarked;
