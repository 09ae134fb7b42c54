package io.posrelay.relayctl.admin;

import picocli.CommandLine.ParameterException;

/** The RESULT_ID argument of {@code get} and {@code retry}. */
final class ResultIds {
  private ResultIds() {}

  /**
   * @return the id without surrounding blanks
   * @throws ParameterException (exit code 2) if it is blank
   */
  static String check(String resultId, AdminOptions options) {
    String id = resultId.strip();
    if (id.isEmpty()) {
      throw options.usageError("RESULT_ID: '" + resultId + "' (expected: not empty)");
    }
    return id;
  }
}
