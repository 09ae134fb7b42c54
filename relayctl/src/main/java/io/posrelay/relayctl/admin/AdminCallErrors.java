package io.posrelay.relayctl.admin;

import com.google.common.net.HostAndPort;
import io.grpc.Status;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/** The one-line message of a failed admin call: {@code error: <STATUS>: <description>}. */
final class AdminCallErrors {
  private AdminCallErrors() {}

  /**
   * Describes a failed call for an operator.
   *
   * <p>A client-side UNAVAILABLE (the status carries the local cause, e.g. connection refused)
   * says that admin-api is unreachable at {@code address}; an UNAVAILABLE sent by admin-api itself
   * (e.g. its ledger is still restoring) keeps admin-api's description. DEADLINE_EXCEEDED names
   * {@code --timeout-ms}.
   *
   * @param status the call's status, not OK
   * @param address admin-api's address
   * @param timeout the call deadline in force
   * @return one line, without a line break
   */
  static String describe(Status status, HostAndPort address, Duration timeout) {
    String code = status.getCode().name();
    String description = oneLine(status.getDescription());
    switch (status.getCode()) {
      case UNAVAILABLE:
        if (status.getCause() != null && isTls(status.getCause())) {
          return "error: " + code + ": TLS with admin-api at " + address + " failed (does it"
              + " speak TLS, and does --tls-ca-file hold the CA of its certificate?): "
              + rootMessage(status.getCause(), description);
        }
        if (status.getCause() != null) {
          String root = rootMessage(status.getCause(), description);
          if (root.contains("Connection reset")) {
            // What a plaintext client sees when the server speaks TLS: it resets the connection.
            return "error: " + code + ": admin-api at " + address + " reset the connection (if"
                + " it serves TLS, add --secure or --tls-ca-file CA.pem): " + root;
          }
          return "error: " + code + ": admin-api is unreachable at " + address
              + " (is it running? --admin-address or POSRELAY_ADMIN_ADDRESS sets the address): "
              + root;
        }
        if (description.startsWith("Network closed")) {
          // What a plaintext client sees when the server speaks TLS: it closes the connection.
          return "error: " + code + ": " + description + " (admin-api at " + address
              + "; if it serves TLS, add --secure or --tls-ca-file CA.pem)";
        }
        return "error: " + code + ": " + description + " (admin-api at " + address + ")";
      case DEADLINE_EXCEEDED:
        return "error: " + code + ": no answer from admin-api at " + address + " within "
            + timeout.toMillis() + " ms (--timeout-ms)";
      case UNAUTHENTICATED:
        return "error: " + code + ": " + description + " (--admin-token-file or "
            + "POSRELAY_ADMIN_TOKEN sets the operator token)";
      default:
        return "error: " + code + ": " + description;
    }
  }

  private static boolean isTls(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable cause, String fallback) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? fallback : oneLine(message);
  }

  private static String oneLine(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return "(no description)";
    }
    return text.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
