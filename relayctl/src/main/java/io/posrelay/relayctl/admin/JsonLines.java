package io.posrelay.relayctl.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;

/**
 * {@code --json} output: protobuf's canonical JSON mapping (lowerCamelCase field names, enum
 * names, RFC 3339 timestamps, int64 as strings; fields at their default value left out, as grpcurl
 * does), one object per line.
 */
final class JsonLines {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private JsonLines() {}

  /**
   * Prints the message as one line of JSON.
   *
   * @throws IllegalStateException if the message cannot be printed (an Any of an unknown type;
   *     the admin messages have none)
   */
  static void print(MessageOrBuilder message, PrintWriter out) {
    try {
      out.println(PRINTER.print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }
}
