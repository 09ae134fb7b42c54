package io.posrelay.ingest.callback;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code approvedAt}: an ISO-8601 date-time with an offset, exactly as {@link
 * DateTimeFormatter#ISO_OFFSET_DATE_TIME} accepts it, for less CPU than that formatter.
 *
 * <p>The form ILK sends, {@code uuuu-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:mm)} (e.g. {@code
 * 2026-11-29T12:00:00+09:00}, {@code 2026-11-29T03:00:00.5Z}), is read by hand: fixed positions,
 * digits only, each field checked against its calendar range (month, day of that month in that
 * year, hour 0–23, minute and second 0–59, offset at most ±18:00). Anything else — another form
 * the formatter also accepts (no seconds, a lowercase {@code t}, {@code -00:00}, a year beyond
 * 4 digits), or an invalid value — goes to the formatter, which accepts or rejects it. So the
 * accepted inputs and the instants are the formatter's. Stateless and thread-safe.
 */
final class ApprovedAtParser {

  private static final int MAX_OFFSET_SECONDS = 18 * 3600;
  private static final int[] NANOS_SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000,
      10_000, 1_000, 100, 10, 1};

  private ApprovedAtParser() {}

  /**
   * Parses {@code text}.
   *
   * @param text the date-time, e.g. {@code 2026-11-29T12:00:00+09:00}
   * @return the instant it names
   * @throws DateTimeParseException if {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} rejects it
   */
  static Instant parse(String text) {
    Instant fast = fastPath(text);
    return fast != null ? fast
        : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  /** The instant of {@code text} in the common form, or null to leave it to the formatter. */
  static @Nullable Instant fastPath(String text) {
    int length = text.length();
    // yyyy-MM-ddTHH:mm:ss then Z or ±HH:mm, at least 20 characters.
    if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1
        || day > Month.of(month).length(Year.isLeap(year))
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int at = 19;
    int nanos = 0;
    if (text.charAt(at) == '.') {
      int from = at + 1;
      int end = from;
      while (end < length && end - from < 10 && isDigit(text.charAt(end))) {
        end++;
      }
      int count = end - from;
      if (count < 1 || count > 9) {
        return null;
      }
      nanos = digits(text, from, count) * NANOS_SCALE[count];
      at = end;
    }
    int offsetSeconds;
    if (at == length - 1 && text.charAt(at) == 'Z') {
      offsetSeconds = 0;
    } else if (at == length - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-')
        && text.charAt(at + 3) == ':') {
      int offsetHours = digits(text, at + 1, 2);
      int offsetMinutes = digits(text, at + 4, 2);
      int magnitude = offsetHours * 3600 + offsetMinutes * 60;
      if (offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59
          || magnitude > MAX_OFFSET_SECONDS || (magnitude == 0 && text.charAt(at) == '-')) {
        return null;
      }
      offsetSeconds = text.charAt(at) == '-' ? -magnitude : magnitude;
    } else {
      return null;
    }
    long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400
        + hour * 3600 + minute * 60 + second - offsetSeconds;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  /** The value of {@code count} ASCII digits at {@code from}, or -1 if one is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
