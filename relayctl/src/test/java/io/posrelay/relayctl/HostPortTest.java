package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class HostPortTest {
  @Test
  void parse_readsHostAndPort() {
    assertThat(HostPort.parse(" 127.0.0.1:7001 ")).isEqualTo(new HostPort("127.0.0.1", 7001));
  }

  @Test
  void parseList_keepsOrder() {
    assertThat(HostPort.parseList("127.0.0.1:7001,127.0.0.1:7002"))
        .containsExactly(new HostPort("127.0.0.1", 7001), new HostPort("127.0.0.1", 7002));
  }

  @Test
  void parse_rejectsMissingOrBadPort() {
    assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse("127.0.0.1"));
    assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse("127.0.0.1:"));
    assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse(":7001"));
    assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse("127.0.0.1:x"));
    assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse("127.0.0.1:0"));
  }

  @Test
  void parseList_rejectsEmptyElement() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostPort.parseList("127.0.0.1:7001,"))
        .withMessageContaining("HOST:PORT");
  }
}
