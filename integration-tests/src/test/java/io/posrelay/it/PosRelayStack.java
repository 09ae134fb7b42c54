package io.posrelay.it;

import io.posrelay.admin.AdminConfig;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.ingest.IlkIngestConfig;
import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.relay.RelayConfig;
import io.posrelay.relay.RelayServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    String bootstrap = kafka.bootstrapServers();
    admin =
        AdminServer.start(
            AdminConfig.builder()
                .kafkaBootstrap(bootstrap)
                .host("127.0.0.1")
                .port(0)
                .metricsPort(0)
                .claimDeadline(CLAIM_DEADLINE)
                .ackTimeout(ACK_TIMEOUT)
                .build());
    for (int i = 1; i <= relayNodes; i++) {
      relays.add(
          RelayServer.start(
              RelayConfig.builder()
                  .nodeId("it-relay-" + i)
                  .kafkaBootstrap(bootstrap)
                  .host("127.0.0.1")
                  .port(0)
                  .metricsPort(0)
                  .ackTimeout(ACK_TIMEOUT)
                  .build()));
    }
    ingest =
        IlkIngestServer.start(
            IlkIngestConfig.builder()
                .kafkaBootstrap(bootstrap)
                .host("127.0.0.1")
                .port(0)
                .build());
    webhook = new Webhook(ingest.port());
    adminChannel = ManagedChannelBuilder.forAddress("127.0.0.1", admin.port()).usePlaintext().build();
  }

  static PosRelayStack start(KafkaCluster kafka) throws Exception {
    return new PosRelayStack(kafka, 2);
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
    Exception failure = null;
    List<AutoCloseable> all = new ArrayList<>();
    all.add(ingest);
    all.addAll(relays);
    all.add(admin);
    for (AutoCloseable c : all) {
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
