/**
 * {@code relayctl}, the operator's command line of POS Relay: a local cluster with an embedded
 * Kafka broker ({@code local}, {@code kafka}), the POS terminal and ILK simulators ({@code pos-sim},
 * {@code ilk-sim}), an end-to-end {@code demo}, and the three services as subcommands.
 *
 * <p>Each subcommand is one picocli class ({@code …Command}); the work is done by reusable cores
 * that tests and the integration-tests module drive directly: {@link
 * io.posrelay.relayctl.LocalCluster}, {@link io.posrelay.relayctl.PosSimulator}, {@link
 * io.posrelay.relayctl.IlkSimulator} and {@link io.posrelay.relayctl.EmbeddedKafka}.
 */
@NullMarked
package io.posrelay.relayctl;

import org.jspecify.annotations.NullMarked;
