package io.posrelay.relayctl.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.common.net.HostAndPort;
import org.junit.jupiter.api.Test;

class AddressesTest {
  @Test
  void parse_readsHostAndPort() {
    assertThat(Addresses.parse(" 127.0.0.1:7001 "))
        .isEqualTo(HostAndPort.fromParts("127.0.0.1", 7001));
  }

  @Test
  void parseList_keepsOrder() {
    assertThat(Addresses.parseList("127.0.0.1:7001,127.0.0.1:7002"))
        .containsExactly(HostAndPort.fromParts("127.0.0.1", 7001),
            HostAndPort.fromParts("127.0.0.1", 7002));
  }

  @Test
  void parse_rejectsMissingOrBadPort() {
    assertThatIllegalArgumentException().isThrownBy(() -> Addresses.parse("127.0.0.1"));
    assertThatIllegalArgumentException().isThrownBy(() -> Addresses.parse("127.0.0.1:"));
    assertThatIllegalArgumentException().isThrownBy(() -> Addresses.parse(":7001"));
    assertThatIllegalArgumentException().isThrownBy(() -> Addresses.parse("127.0.0.1:x"));
    assertThatIllegalArgumentException().isThrownBy(() -> Addresses.parse("127.0.0.1:0"));
  }

  @Test
  void parseList_rejectsEmptyElement() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Addresses.parseList("127.0.0.1:7001,"))
        .withMessageContaining("HOST:PORT");
  }
}
