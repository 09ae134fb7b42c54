package io.posrelay.it;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.relay.RelayKeys;
import io.posrelay.relay.RelayServer;
import io.posrelay.runtime.config.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The whole POS Relay path in this JVM against a real Kafka cluster: ilk-ingest, two relay
 * nodes and admin-api, each on random loopback ports. Closing it stops all of them.
 */
final class PosRelayStack implements AutoCloseable {
  static final Duration CLAIM_DEADLINE = Duration.ofSeconds(2);
  static final Duration ACK_TIMEOUT = Duration.ofSeconds(3);

  final IlkIngestServer ingest;
  final List<RelayServer> relays = new ArrayList<>();
  final AdminServer admin;
  final ManagedChannel adminChannel;
  final Webhook webhook;

  private PosRelayStack(KafkaCluster kafka, int relayNodes) throws Exception {
    this(kafka, relayNodes, false);
  }

  /**
   * @param recovery whether the relay nodes ask this stack's admin-api for a terminal's
   *     undelivered results on Hello (recovery on reconnect); off, they ask nobody
   */
  private PosRelayStack(KafkaCluster kafka, int relayNodes, boolean recovery) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    String applicationId = "it-admin-" + UUID.randomUUID();
    LedgerHistory.skip(kafka, applicationId); // not the results of every earlier test
    admin = startAdmin(bootstrap, applicationId, Files.createTempDirectory("posrelay-admin-state"));
    for (int i = 1; i <= relayNodes; i++) {
      relays.add(RelayServer.start(TestConfigs.relay(bootstrap, "it-relay-" + i)
          .set(RelayKeys.ADMIN_ADDRESS, recovery ? "127.0.0.1:" + admin.port() : "")
          .build()));
    }
    ingest = IlkIngestServer.start(TestConfigs.ingest(bootstrap).build());
    webhook = new Webhook(ingest.port());
    adminChannel = ManagedChannelBuilder.forAddress("127.0.0.1", admin.port()).usePlaintext().build();
  }

  /**
   * Starts an admin-api with the stack's deadlines and waits until its ledger is RUNNING.
   *
   * @param applicationId its Kafka Streams application id: a fresh one replays the topics from the
   *     beginning; the id of a stopped instance takes over that instance's ledger
   */
  static AdminServer startAdmin(String bootstrap, String applicationId, Path stateDir)
      throws Exception {
    return startAdmin(TestConfigs.admin(bootstrap, applicationId, stateDir).build());
  }

  /** Starts an admin-api configured as {@code config} and waits until its ledger is RUNNING. */
  static AdminServer startAdmin(ServiceConfig config) throws Exception {
    AdminServer server = AdminServer.start(config);
    if (!server.awaitRunning(Duration.ofSeconds(60))) {
      server.close();
      throw new IllegalStateException("admin-api ledger not RUNNING within 60 s");
    }
    return server;
  }

  static PosRelayStack start(KafkaCluster kafka) throws Exception {
    return new PosRelayStack(kafka, 2);
  }

  /** Like {@link #start(KafkaCluster)}, with recovery on reconnect through the stack's admin-api. */
  static PosRelayStack startWithRecovery(KafkaCluster kafka) throws Exception {
    return new PosRelayStack(kafka, 2, true);
  }

  DeliveryAdminGrpc.DeliveryAdminBlockingStub adminStub() {
    return DeliveryAdminGrpc.newBlockingStub(adminChannel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  int relayPort(int index) {
    return relays.get(index).port();
  }

  @Override
  public void close() throws Exception {
    adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    List<AutoCloseable> all = new ArrayList<>();
    all.add(ingest);
    all.addAll(relays);
    all.add(admin);
    closeAll(all);
  }

  /** Closes each in order, even when one fails; throws the first failure, the rest suppressed. */
  static void closeAll(List<? extends AutoCloseable> closeables) throws Exception {
    Exception failure = null;
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
