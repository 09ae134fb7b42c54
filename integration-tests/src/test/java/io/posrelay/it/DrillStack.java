package io.posrelay.it;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.posrelay.admin.AdminKeys;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.relay.RelayKeys;
import io.posrelay.relay.RelayServer;
import io.posrelay.runtime.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The POS Relay path for the fault drills: admin-api (with a state directory and application id
 * kept, so it can be restarted as the same instance), ilk-ingest and in-process relay nodes with
 * recovery on reconnect, all against any Kafka bootstrap (the test cluster, a 3-broker cluster or
 * a broker in a child process). Relay settings can be tuned per drill (heartbeat, watermarks).
 *
 * <p>Uses the same deadlines as {@link PosRelayStack}. Not thread-safe for restarts; closing stops
 * everything it started.
 */
final class DrillStack implements AutoCloseable {
  final String bootstrap;
  final String adminApplicationId = "drill-admin-" + UUID.randomUUID();
  final Path adminStateDir;
  final List<RelayServer> relays = new ArrayList<>();
  @org.jspecify.annotations.Nullable IlkIngestServer ingest;
  final Webhook webhook;
  private final int adminPort;
  private final int adminReplication;
  private volatile AdminServer admin;
  private volatile ManagedChannel adminChannel;

  private DrillStack(String bootstrap, int relayNodes, int adminReplication,
      UnaryOperator<ServiceConfig.Builder> relayTuning,
      UnaryOperator<ServiceConfig.Builder> ingestTuning) throws Exception {
    this.bootstrap = bootstrap;
    this.adminReplication = adminReplication;
    this.adminStateDir = Files.createTempDirectory("posrelay-drill-admin");
    admin = startAdmin(0);
    adminPort = admin.port();
    adminChannel = channel(adminPort);
    try {
      for (int i = 1; i <= relayNodes; i++) {
        relays.add(RelayServer.start(relayTuning.apply(relayConfig("drill-relay-" + i)).build()));
      }
      ingest = IlkIngestServer.start(ingestTuning.apply(TestConfigs.ingest(bootstrap)).build());
    } catch (Exception | Error e) {
      close();
      throw e;
    }
    webhook = new Webhook(ingest.port());
  }

  /** Two relay nodes with default settings, admin-api topics with replication factor 1. */
  static DrillStack start(String bootstrap) throws Exception {
    return new DrillStack(bootstrap, 2, 1, b -> b, b -> b);
  }

  /**
   * @param relayNodes in-process relay nodes, >= 0
   * @param adminReplication replication factor of the ledger's internal topics
   * @param relayTuning applied to each relay node's configuration ({@link RelayKeys}) after the
   *     stack's defaults
   * @param ingestTuning applied to ilk-ingest's configuration after the stack's defaults
   */
  static DrillStack start(String bootstrap, int relayNodes, int adminReplication,
      UnaryOperator<ServiceConfig.Builder> relayTuning,
      UnaryOperator<ServiceConfig.Builder> ingestTuning) throws Exception {
    return new DrillStack(bootstrap, relayNodes, adminReplication, relayTuning, ingestTuning);
  }

  /** A relay node's configuration: the stack's Kafka and deadlines, recovery via its admin-api. */
  ServiceConfig.Builder relayConfig(String nodeId) {
    return TestConfigs.relay(bootstrap, nodeId)
        .set(RelayKeys.ADMIN_ADDRESS, "127.0.0.1:" + adminPort);
  }

  private AdminServer startAdmin(int port) throws Exception {
    return PosRelayStack.startAdmin(
        TestConfigs.admin(bootstrap, adminApplicationId, adminStateDir)
            .set(AdminKeys.PORT, port)
            .set(AdminKeys.REPLICATION_FACTOR, adminReplication)
            .build());
  }

  private static ManagedChannel channel(int port) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  /** admin-api's gRPC port (the same across {@link #restartAdmin}). */
  int adminPort() {
    return adminPort;
  }

  /** Stops admin-api gracefully (the relay nodes' recovery asks fail until it is back). */
  void stopAdmin() {
    admin.close();
  }

  /**
   * Starts admin-api again as the same instance (application id, state directory) on the same
   * gRPC port, and waits until its ledger is RUNNING.
   */
  void startAdminAgain() throws Exception {
    admin = startAdmin(adminPort);
    ManagedChannel old = adminChannel;
    adminChannel = channel(adminPort);
    old.shutdownNow();
  }

  DeliveryAdminGrpc.DeliveryAdminBlockingStub adminStub() {
    return DeliveryAdminGrpc.newBlockingStub(adminChannel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  int relayPort(int index) {
    return relays.get(index).port();
  }

  @Override
  public void close() throws Exception {
    List<AutoCloseable> all = new ArrayList<>();
    IlkIngestServer ilk = ingest;
    if (ilk != null) {
      all.add(ilk);
    }
    all.addAll(relays);
    all.add(admin);
    adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    PosRelayStack.closeAll(all);
  }
}
