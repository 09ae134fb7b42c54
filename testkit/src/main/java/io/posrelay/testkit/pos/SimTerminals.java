package io.posrelay.testkit.pos;

import java.util.ArrayList;
import java.util.List;

/**
 * How the simulators name terminals and merchants, so that {@code ilk-sim} sends results for the
 * terminals that {@code pos-sim} holds: terminal {@code i} (1-based) of prefix {@code T} is {@code
 * T0001}…, and its merchant is {@code M} followed by the terminal id ({@code MT0001}). Stateless.
 */
public final class SimTerminals {
  private SimTerminals() {}

  /**
   * The terminal id of the i-th terminal.
   *
   * @param prefix e.g. {@code T}
   * @param index 1-based
   */
  public static String terminalId(String prefix, int index) {
    return String.format("%s%04d", prefix, index);
  }

  /** The merchant id (MID) of a simulated terminal. */
  public static String merchantId(String terminalId) {
    return "M" + terminalId;
  }

  /**
   * Terminal ids {@code prefix0001} … {@code prefix<count>}.
   *
   * @param count >= 0
   */
  public static List<String> terminalIds(String prefix, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      ids.add(terminalId(prefix, i));
    }
    return ids;
  }

  /**
   * Checks a terminal id prefix: the ids must match the POS protocol's {@code
   * [A-Za-z0-9_-]{1,64}}.
   *
   * @throws IllegalArgumentException naming {@code key} if the prefix is not 1..32 such characters
   */
  public static void checkPrefix(String key, String prefix) {
    if (!prefix.matches("[A-Za-z0-9_-]{1,32}")) {
      throw new IllegalArgumentException(
          key + ": '" + prefix + "' (expected: 1..32 characters of [A-Za-z0-9_-])");
    }
  }
}
