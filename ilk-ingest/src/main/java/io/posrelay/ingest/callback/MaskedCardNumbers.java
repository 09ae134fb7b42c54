package io.posrelay.ingest.callback;

import org.jspecify.annotations.Nullable;

/**
 * Checks that a card number is masked, so that a full PAN never enters the system, and keeps
 * PAN-like numbers out of log lines.
 *
 * <p>A masked card number is at most 32 characters of digits, mask characters ({@code * X x #})
 * and separators (space, {@code -}); it has at least one mask character and at most 12 digits
 * (first 8 / last 4 at most), e.g. {@code "123456******1234"} or {@code "****1234"}. Since a PAN
 * has 13–19 digits, no accepted value can hold one, whatever separates its digits.
 *
 * <p>A PAN is recognised for the error message (and for {@link #redact}) as a run of 13–19 digits
 * that passes the Luhn check, where the run's digits may be separated by anything but a letter or
 * a mask character: any space (including no-break and ideographic ones), any dash, dot, slash,
 * underscore, comma, tab…; digits of any script count ({@code "４１１１…"}).
 *
 * <p>Stateless and thread-safe.
 */
public final class MaskedCardNumbers {

  static final int MAX_CHARS = 32;
  static final int MAX_VISIBLE_DIGITS = 12;

  private MaskedCardNumbers() {}

  /**
   * Returns why {@code value} is not a masked card number, or null if it is one. The reason never
   * contains the value.
   */
  static @Nullable String problemWith(String value) {
    if (containsLuhnValidPan(value)) {
      return "looks like a full card number (PAN); send it masked, e.g. 123456******1234";
    }
    int digits = 0;
    boolean masked = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '*' || c == 'X' || c == 'x' || c == '#') {
        masked = true;
      } else if (c != ' ' && c != '-') {
        return "may contain only digits, mask characters (* X x #), spaces and '-'";
      }
    }
    if (!masked) {
      return "must be masked (contain * X x or #), e.g. 123456******1234";
    }
    if (digits > MAX_VISIBLE_DIGITS) {
      return "must show at most " + MAX_VISIBLE_DIGITS + " digits";
    }
    return null;
  }

  /**
   * True if some run of 13–19 digits passes the Luhn check; separators between digits are
   * skipped, a letter or a mask character ends a run (see the class doc).
   */
  static boolean containsLuhnValidPan(String value) {
    return containsPan(value, true);
  }

  /**
   * Like {@link #containsLuhnValidPan} with {@code anyWindow}; otherwise only a whole run of 13–19
   * digits counts (fewer false alarms on long numeric ids, for log lines).
   */
  private static boolean containsPan(String value, boolean anyWindow) {
    StringBuilder run = new StringBuilder();
    for (int i = 0; i <= value.length(); ) {
      int c = i < value.length() ? value.codePointAt(i) : '*';
      i += i < value.length() ? Character.charCount(c) : 1;
      int digit = Character.digit(c, 10);
      if (digit >= 0) {
        run.append((char) ('0' + digit));
      } else if (Character.isLetter(c) || isMask(c)) {
        if (anyWindow ? anyLuhnWindow(run) : isPan(run)) {
          return true;
        }
        run.setLength(0);
      }
    }
    return false;
  }

  /**
   * {@code value} fit for a log line: unchanged unless it holds a PAN-like number (a run of 13–19
   * digits, separators skipped as in {@link #containsLuhnValidPan}, that passes the Luhn check);
   * then every digit but the first 6 and the last 4 of the value becomes {@code *}.
   *
   * @param value any text, e.g. a terminal or transaction id about to be logged
   * @return {@code value} itself, or a copy of the same length with the middle digits masked
   */
  public static String redact(String value) {
    if (!containsPan(value, false)) {
      return value;
    }
    long digits = value.codePoints().filter(Character::isDigit).count();
    StringBuilder out = new StringBuilder(value.length());
    int seen = 0;
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isDigit(c)) {
        seen++;
        if (seen <= 6 || seen > digits - 4) {
          out.appendCodePoint(c);
        } else {
          out.append('*');
        }
      } else {
        out.appendCodePoint(c);
      }
    }
    return out.toString();
  }

  private static boolean isMask(int c) {
    return c == '*' || c == 'X' || c == 'x' || c == '#';
  }

  private static boolean anyLuhnWindow(CharSequence digits) {
    for (int length = 13; length <= 19; length++) {
      for (int start = 0; start + length <= digits.length(); start++) {
        if (luhnValid(digits, start, length)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isPan(CharSequence digits) {
    return digits.length() >= 13 && digits.length() <= 19 && luhnValid(digits, 0, digits.length());
  }

  static boolean luhnValid(CharSequence digits, int start, int length) {
    int sum = 0;
    boolean doubleIt = false;
    for (int i = start + length - 1; i >= start; i--) {
      int d = digits.charAt(i) - '0';
      if (doubleIt) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubleIt = !doubleIt;
    }
    return sum % 10 == 0;
  }
}
