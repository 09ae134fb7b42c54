package io.posrelay.bench;

import java.time.Duration;

/**
 * What {@code relayctl bench connections} measures; validated at construction, naming the option
 * in the message ({@code "terminals: 0 (expected: 1..1000000)"}).
 *
 * @param terminals idle terminals to hold on the one relay node, 1..1,000,000
 * @param connectRate connections opened per second while ramping up, >= 1
 * @param hold how long all of them stay connected (heartbeating) before the reading, >= 0
 * @param sourceAddresses local source addresses 127.0.0.2…, 0 = as needed ({@link
 *     SourceAddresses#forTerminals})
 * @param progressInterval time between progress lines, >= 1 s
 * @param heartbeatInterval the relay node's heartbeat interval (terminals ping this often)
 * @param relayJavaOptions the relay node's JVM options, for the report
 */
public record ConnectionScaleConfig(
    int terminals,
    int connectRate,
    Duration hold,
    int sourceAddresses,
    Duration progressInterval,
    Duration heartbeatInterval,
    String relayJavaOptions) {

  /**
   * @throws IllegalArgumentException naming the option whose value is out of range
   */
  public ConnectionScaleConfig {
    LatencyBenchConfig.check(terminals >= 1 && terminals <= 1_000_000, "terminals", terminals,
        "1..1000000");
    LatencyBenchConfig.check(connectRate >= 1, "connect-rate", connectRate, ">= 1");
    LatencyBenchConfig.check(!hold.isNegative(), "hold-s", hold.toSeconds(), ">= 0");
    LatencyBenchConfig.check(sourceAddresses >= 0 && sourceAddresses <= SourceAddresses.MAX,
        "source-addresses", sourceAddresses, "0.." + SourceAddresses.MAX);
    LatencyBenchConfig.check(progressInterval.toSeconds() >= 1, "progress-s",
        progressInterval.toSeconds(), ">= 1");
  }
}
