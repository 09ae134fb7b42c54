package io.posrelay.relayctl.admin;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.posrelay.relayctl.RelayCtl;
import io.posrelay.testkit.secure.SecureMaterial;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Runs {@code relayctl admin …} in-process against a {@link FakeDeliveryAdmin} served by a real
 * gRPC Netty server on 127.0.0.1 and a random port, capturing stdout and stderr.
 */
final class AdminCommandHarness implements AutoCloseable {
  final FakeDeliveryAdmin fake = new FakeDeliveryAdmin();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  private final Server server;

  AdminCommandHarness() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(fake)
        .build()
        .start();
  }

  /**
   * The fake behind TLS (the server certificate of {@code secure}, as {@code local --secure}
   * makes it) and an operator-token check as admin-api's, accepting {@code token}.
   */
  AdminCommandHarness(SecureMaterial secure, String token) throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .useTransportSecurity(secure.serverCertFile().toFile(), secure.serverKeyFile().toFile())
        .addService(fake)
        .intercept(new FakeTokenCheck(token))
        .build()
        .start();
  }

  /** {@code 127.0.0.1:PORT} of the fake. */
  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Runs relayctl with these arguments plus {@code --admin <fake>}; returns the exit code. */
  int run(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.add("--admin");
    all.add(address());
    return runExactly(all.toArray(String[]::new));
  }

  /** Runs relayctl with exactly these arguments; returns the exit code. */
  int runExactly(String... args) {
    CommandLine commandLine = RelayCtl.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }

  /** stdout split into lines. */
  List<String> outLines() {
    return out.toString().lines().toList();
  }

  /** Stops the fake (bounded: 5 s); idempotent. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
