package io.posrelay.ingest;

import org.jspecify.annotations.Nullable;

/**
 * Checks that a card number is masked, so that a full PAN never enters the system.
 *
 * <p>A masked card number is at most 32 characters of digits, mask characters ({@code * X x #})
 * and separators (space, {@code -}); it has at least one mask character and at most 12 digits
 * (first 8 / last 4 at most), e.g. {@code "123456******1234"} or {@code "****1234"}. A run of 13–19
 * digits (separators ignored) that passes the Luhn check is reported as a full PAN.
 */
final class MaskedCardNumbers {

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

  /** True if, ignoring spaces and '-', some run of 13–19 digits passes the Luhn check. */
  static boolean containsLuhnValidPan(String value) {
    StringBuilder run = new StringBuilder();
    for (int i = 0; i <= value.length(); i++) {
      char c = i < value.length() ? value.charAt(i) : '\0';
      if (c >= '0' && c <= '9') {
        run.append(c);
      } else if (c != ' ' && c != '-') {
        if (anyLuhnWindow(run)) {
          return true;
        }
        run.setLength(0);
      }
    }
    return false;
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
