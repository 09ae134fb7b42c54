package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.v1.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class KafkaClusterTest {

  @Test
  void sharedCluster_hasEveryTopicWithItsPartitions(KafkaCluster kafka) throws Exception {
    try (Admin admin = kafka.admin()) {
      var topics =
          admin.describeTopics(java.util.List.of(Topics.RESULTS, Topics.CLAIMS, Topics.SESSIONS))
              .allTopicNames()
              .get();

      assertThat(topics.values())
          .allSatisfy(t -> assertThat(t.partitions()).hasSize(KafkaCluster.PARTITIONS));
    }
  }
}
