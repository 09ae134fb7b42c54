package io.posrelay.relayctl.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converter of {@code --since}/{@code --until}: an ISO-8601 instant ({@code
 * 2026-11-29T03:00:00Z}), a date-time with offset ({@code 2026-11-29T12:00:00+09:00}), or an age
 * counted back from now: {@code 15m}, {@code 2h}, {@code 1d}, {@code 30s} or ISO {@code PT1H30M}.
 * Anything else is a usage error (exit code 2) naming the option.
 */
final class TimeArgumentConverter implements ITypeConverter<Instant> {
  private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

  private final Clock clock;

  /** Ages count back from the system clock. */
  TimeArgumentConverter() {
    this(Clock.systemUTC());
  }

  /** @param clock the "now" ages count back from */
  TimeArgumentConverter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Instant convert(String value) {
    String text = value.strip();
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notInstant) {
      // next form
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException notOffsetDateTime) {
      // next form
    }
    Matcher age = AGE.matcher(text.toLowerCase(Locale.ROOT));
    if (age.matches()) {
      long amount = Long.parseLong(age.group(1));
      Duration unit =
          switch (age.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
          };
      return clock.instant().minus(unit.multipliedBy(amount));
    }
    try {
      return clock.instant().minus(Duration.parse(text).abs());
    } catch (DateTimeParseException notDuration) {
      throw new TypeConversionException(
          "'" + value + "' (expected: an ISO-8601 time such as 2026-11-29T03:00:00Z or"
              + " 2026-11-29T12:00:00+09:00, or an age such as 15m, 2h, 1d)");
    }
  }
}
