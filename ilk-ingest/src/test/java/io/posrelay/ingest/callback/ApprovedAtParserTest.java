package io.posrelay.ingest.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ApprovedAtParser} accepts exactly what ISO_OFFSET_DATE_TIME does, with equal instants. */
class ApprovedAtParserTest {

  @ParameterizedTest
  @ValueSource(strings = {
      // the common form: offsets, Z, fractions of 1..9 digits
      "2026-11-29T12:00:00+09:00", "2026-11-29T03:00:00Z", "2026-11-29T03:00:00.5Z",
      "2026-11-29T03:00:00.123456789Z", "2026-11-29T03:00:00.000000001-05:30",
      "2026-11-29T23:59:59+18:00", "2026-11-29T00:00:00-18:00", "2026-11-29T00:00:00+00:00",
      "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0000-12-31T23:59:59Z",
      "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-18:00", "1970-01-01T00:00:00Z",
      // leap days
      "2024-02-29T12:00:00Z", "2000-02-29T12:00:00Z", "2026-02-28T12:00:00Z",
      // other forms the formatter accepts: left to it
      "2026-11-29T12:00+09:00", "2026-11-29t12:00:00z", "2026-11-29T12:00:00-00:00",
      "+10000-01-01T00:00:00Z", "2026-11-29T12:00:00+09", "2026-11-29T12:00:00+0900",
      "2026-11-29T12:00:00+09:00:30", "-0001-01-01T00:00:00Z",
      // invalid: rejected by both
      "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-02-30T00:00:00Z",
      "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
      "2026-11-00T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T12:60:00Z",
      "2026-11-29T12:00:60Z", "2026-11-29T12:00:00+18:01", "2026-11-29T12:00:00+19:00",
      "2026-11-29T12:00:00+09:60", "2026-11-29T12:00:00.Z", "2026-11-29T12:00:00.1234567890Z",
      "2026-11-29T12:00:00", "2026-11-29", "2026-11-29T12:00:00 Z", "2026-11-29T12:00:00+9:00",
      "2026-11-29 12:00:00Z", "2026-1-29T12:00:00Z", "2026-11-29T12:00:00Zx",
      "2026-11-29T12:00:00+09:00x", "2026-11-29T1a:00:00Z", "２０２６-11-29T12:00:00Z",
      "2026-11-29T12:00:00+-9:00", "2026-11-29T12:00:00.+09:00", "yesterday", ""})
  void acceptsAndRejects_asTheFormatter(String text) {
    assertSameAsFormatter(text);
  }

  @Test
  void randomInstantsAndOffsets_parseAsTheFormatter() {
    Random random = new Random(14);
    for (int i = 0; i < 5_000; i++) {
      long seconds = random.nextLong(Instant.parse("0001-01-01T00:00:00Z").getEpochSecond(),
          Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
      int nanos = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000);
      ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 4, 18 * 4 + 1) * 900);
      OffsetDateTime dateTime = OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos),
          offset);
      String text = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(dateTime); // seconds always
      assertThat(ApprovedAtParser.fastPath(text)).as(text).isNotNull();
      assertSameAsFormatter(text);
      assertSameAsFormatter(dateTime.toString()); // no seconds when they are 0
    }
  }

  private static void assertSameAsFormatter(String text) {
    Instant expected;
    try {
      expected = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      assertThat(ApprovedAtParser.fastPath(text)).as(text).isNull();
      assertThatThrownBy(() -> ApprovedAtParser.parse(text)).as(text)
          .isInstanceOf(DateTimeParseException.class);
      return;
    }
    assertThat(ApprovedAtParser.parse(text)).as(text).isEqualTo(expected);
    Instant fast = ApprovedAtParser.fastPath(text);
    if (fast != null) {
      assertThat(fast).as(text).isEqualTo(expected);
    }
  }
}
