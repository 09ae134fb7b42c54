package io.posrelay.runtime.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.runtime.BuildInfo;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {
  @Test
  void buildInfoGauge_isOne_labelledWithTheVersionAndRevision() {
    BuildInfo build = BuildInfo.current();
    try (ServiceMetrics metrics = new ServiceMetrics()) {
      String scrape = metrics.registry().scrape();

      assertThat(scrape).contains("# TYPE posrelay_build_info gauge")
          .contains("posrelay_build_info{revision=\"" + build.revision() + "\",version=\""
              + build.version() + "\"} 1");
      assertThat(build.revision()).isNotEqualTo(BuildInfo.UNKNOWN);
    }
  }
}
