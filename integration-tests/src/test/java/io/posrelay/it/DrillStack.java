package io.posrelay.it;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.posrelay.admin.AdminConfig;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.ingest.IlkIngestConfig;
import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.relay.RelayConfig;
import io.posrelay.relay.RelayConfigBuilder;
import io.posrelay.relay.RelayServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
      UnaryOperator<RelayConfigBuilder> relayTuning, UnaryOperator<IlkIngestConfig.Builder> ingestTuning)
      throws Exception {
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
      ingest = IlkIngestServer.start(ingestTuning.apply(
          IlkIngestConfig.builder().kafkaBootstrap(bootstrap).host("127.0.0.1").port(0)).build());
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
   * @param relayTuning applied to each relay node's builder after the stack's defaults
   * @param ingestTuning applied to ilk-ingest's builder after the stack's defaults
   */
  static DrillStack start(String bootstrap, int relayNodes, int adminReplication,
      UnaryOperator<RelayConfigBuilder> relayTuning,
      UnaryOperator<IlkIngestConfig.Builder> ingestTuning) throws Exception {
    return new DrillStack(bootstrap, relayNodes, adminReplication, relayTuning, ingestTuning);
  }

  /** A relay node's builder with the stack's Kafka, deadlines and recovery through its admin-api. */
  RelayConfigBuilder relayConfig(String nodeId) {
    return RelayConfig.builder()
        .nodeId(nodeId)
        .kafkaBootstrap(bootstrap)
        .host("127.0.0.1")
        .port(0)
        .metricsPort(0)
        .ackTimeout(PosRelayStack.ACK_TIMEOUT)
        .claimDeadline(PosRelayStack.CLAIM_DEADLINE)
        .adminAddress("127.0.0.1:" + adminPort);
  }

  private AdminServer startAdmin(int port) throws InterruptedException {
    AdminServer server = AdminServer.start(AdminConfig.builder()
        .kafkaBootstrap(bootstrap)
        .host("127.0.0.1")
        .port(port)
        .metricsPort(0)
        .claimDeadline(PosRelayStack.CLAIM_DEADLINE)
        .ackTimeout(PosRelayStack.ACK_TIMEOUT)
        .applicationId(adminApplicationId)
        .stateDir(adminStateDir)
        .replicationFactor(adminReplication)
        .commitInterval(Duration.ofMillis(50))
        .build());
    if (!server.awaitRunning(Duration.ofSeconds(60))) {
      server.close();
      throw new IllegalStateException("admin-api ledger not RUNNING within 60 s");
    }
    return server;
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
  void startAdminAgain() throws InterruptedException {
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
