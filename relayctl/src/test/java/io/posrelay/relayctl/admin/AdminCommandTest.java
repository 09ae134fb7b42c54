package io.posrelay.relayctl.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class AdminCommandTest {
  private AdminCommandHarness admin;

  @BeforeEach
  void startFake() throws Exception {
    admin = new AdminCommandHarness();
  }

  @AfterEach
  void stopFake() throws Exception {
    admin.close();
  }

  @Test
  void admin_withoutSubcommand_printsUsage_andIsUsageError() {
    assertThat(admin.runExactly("admin")).isEqualTo(2);
    assertThat(admin.err()).contains("Usage: relayctl admin", "list", "get", "retry", "stats",
        "watch");
  }

  @Test
  void relayctlHelp_listsAdmin() {
    assertThat(admin.runExactly("--help")).isZero();
    assertThat(admin.out()).contains("admin");
  }

  @Test
  void statusNames_areCaseInsensitive_withOrWithoutPrefix() {
    DeliveryStatusConverter converter = new DeliveryStatusConverter();
    assertThat(converter.convert("failed")).isEqualTo(converter.convert("FAILED"))
        .isEqualTo(converter.convert("Delivery_Status_Failed"));
  }

  @Test
  void unspecifiedStatus_isRejected() {
    DeliveryStatusConverter converter = new DeliveryStatusConverter();
    assertThatThrownBy(() -> converter.convert("unspecified"))
        .isInstanceOf(TypeConversionException.class);
  }

  @Test
  void times_acceptIsoInstants_offsets_andAges() {
    Instant now = Instant.parse("2026-11-29T13:40:00Z");
    TimeArgumentConverter converter =
        new TimeArgumentConverter(Clock.fixed(now, ZoneOffset.UTC));

    assertThat(converter.convert("2026-11-29T03:00:00Z"))
        .isEqualTo(Instant.parse("2026-11-29T03:00:00Z"));
    assertThat(converter.convert("2026-11-29T12:00:00+09:00"))
        .isEqualTo(Instant.parse("2026-11-29T03:00:00Z"));
    assertThat(converter.convert("15m")).isEqualTo(now.minus(Duration.ofMinutes(15)));
    assertThat(converter.convert("2h")).isEqualTo(now.minus(Duration.ofHours(2)));
    assertThat(converter.convert("1d")).isEqualTo(now.minus(Duration.ofDays(1)));
    assertThat(converter.convert("PT1H30M")).isEqualTo(now.minus(Duration.ofMinutes(90)));
  }

  @Test
  void ages_readShort() {
    assertThat(LedgerText.age(Duration.ofMillis(850))).isEqualTo("850ms");
    assertThat(LedgerText.age(Duration.ofMillis(12_340))).isEqualTo("12.3s");
    assertThat(LedgerText.age(Duration.ofSeconds(245))).isEqualTo("4m05s");
    assertThat(LedgerText.age(Duration.ofMinutes(123))).isEqualTo("2h03m");
    assertThat(LedgerText.age(Duration.ofHours(76))).isEqualTo("3d04h");
  }
}
