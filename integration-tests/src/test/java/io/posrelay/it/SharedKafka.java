package io.posrelay.it;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One single-broker cluster for the whole test run, started on first use and closed when the run
 * ends (stored in the root context's store). Tests share topics, so each test uses terminal ids of
 * its own to stay independent. Inject it as a {@link KafkaCluster} parameter.
 */
final class SharedKafka implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedKafka.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cluster(context);
  }

  private static KafkaCluster cluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent("cluster", key -> new Resource(), Resource.class)
        .cluster;
  }

  private static final class Resource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final KafkaCluster cluster;

    Resource() {
      try {
        cluster = KafkaCluster.start(1);
      } catch (Exception e) {
        throw new IllegalStateException("could not start the in-process Kafka cluster", e);
      }
    }

    @Override
    public void close() throws Exception {
      cluster.close();
    }
  }
}
