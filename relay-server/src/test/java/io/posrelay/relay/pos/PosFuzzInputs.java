package io.posrelay.relay.pos;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.protobuf.Timestamp;
import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.Ping;
import io.posrelay.pos.v1.Pong;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.v1.PaymentResult;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * POS input for {@link PosPipelineFuzzTest}, built from a fuzzer's input: Hellos, frame streams,
 * mutations. Each method consumes what it needs from the {@link FuzzedDataProvider}; an exhausted
 * provider yields the smallest values, so every input builds something.
 */
final class PosFuzzInputs {
  /** What the node must answer to a Hello. */
  enum HelloVerdict { WELCOME, INVALID, UNAUTHENTICATED }

  private static final Pattern TERMINAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private PosFuzzInputs() {}

  /** The answer the protocol prescribes for {@code hello} with {@link PosFixture#withAuth()}. */
  static HelloVerdict expectedVerdict(Hello hello) {
    String id = hello.getTerminalId();
    if (!TERMINAL_ID.matcher(id).matches() || hello.getMerchantId().length() > 64
        || hello.getAuthToken().length() > 512) {
      return HelloVerdict.INVALID;
    }
    String token = hello.getAuthToken();
    return token.equals(TerminalTokens.issue(PosFixture.SECRET, id))
        || token.equals(TerminalTokens.issue(PosFixture.PREVIOUS_SECRET, id))
        ? HelloVerdict.WELCOME
        : HelloVerdict.UNAUTHENTICATED;
  }

  private static final String ID_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

  /**
   * Text of {@code min..max} UTF-16 chars, the edge lengths more often: from {@code alphabet} if
   * given, else any char — ASCII, control characters, Hangul, any other BMP char.
   */
  static String text(FuzzedDataProvider data, int min, int max, String alphabet) {
    int length = switch (data.consumeInt(0, 7)) {
      case 0 -> min;
      case 1 -> max;
      default -> data.consumeInt(min, max);
    };
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.isEmpty() ? anyChar(data)
          : alphabet.charAt(data.consumeInt(0, alphabet.length() - 1)));
    }
    return sb.toString();
  }

  /**
   * ASCII, control characters, Hangul or any BMP char but a surrogate: protobuf replaces a lone
   * surrogate with '?' before it reaches the wire (and logs a stack trace each time), so it tests
   * nothing here. Invalid UTF-8 on the wire comes from the byte mutations instead.
   */
  private static char anyChar(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 3)) {
      case 0 -> data.consumeChar(' ', '~');
      case 1 -> data.consumeChar('\u0000', '\u001f');
      case 2 -> data.consumeChar('\uac00', '\ud7a3');
      default -> data.consumeCharNoSurrogates();
    };
  }

  static String validTerminalId(FuzzedDataProvider data) {
    return text(data, 1, 64, ID_CHARS);
  }

  /** Mostly valid terminal ids; else too long, empty, or any text. */
  static String terminalId(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 9)) {
      case 0 -> text(data, 65, 70, ID_CHARS);
      case 1 -> "";
      case 2, 3 -> text(data, 0, 80, "");
      default -> validTerminalId(data);
    };
  }

  /**
   * A token for {@code terminalId} of the given kind: 0-4 right (current secret), 5-6 right
   * (previous secret), 7 another terminal's, 8 the right one with one character changed, 9
   * empty, 10 {@code text}, 11 over 512 characters.
   */
  static String token(String terminalId, int kind, String text, int position) {
    String current = TerminalTokens.issue(PosFixture.SECRET, terminalId);
    return switch (kind) {
      case 0, 1, 2, 3, 4 -> current;
      case 5, 6 -> TerminalTokens.issue(PosFixture.PREVIOUS_SECRET, terminalId);
      case 7 -> TerminalTokens.issue(PosFixture.SECRET, terminalId + "x");
      case 8 -> {
        int at = Math.floorMod(position, current.length());
        char changed = current.charAt(at) == 'A' ? 'B' : "A-_=/"
            .charAt(Math.floorMod(position, 5));
        yield current.substring(0, at) + changed + current.substring(at + 1);
      }
      case 9 -> "";
      case 10 -> text;
      default -> "t".repeat(500 + Math.floorMod(position, 21));
    };
  }

  /** A Hello frame: valid and invalid ids, merchant ids and tokens, mostly near the limits. */
  static PosFrame hello(FuzzedDataProvider data) {
    String id = terminalId(data);
    String merchant = data.consumeBoolean() ? text(data, 0, 70, "") : text(data, 63, 66, ID_CHARS);
    int kind = data.consumeInt(0, 11);
    String text = text(data, 0, 60, "");
    int position = data.consumeInt();
    return PosFrame.newBuilder()
        .setHello(Hello.newBuilder().setTerminalId(id).setMerchantId(merchant)
            .setAuthToken(token(id, kind, text, position)))
        .build();
  }

  /** A Hello that is welcomed, then up to 10 frames a terminal may send. */
  static List<PosFrame> validStream(FuzzedDataProvider data) {
    String id = validTerminalId(data);
    List<PosFrame> frames = new ArrayList<>();
    frames.add(PosFrame.newBuilder()
        .setHello(Hello.newBuilder().setTerminalId(id).setMerchantId("M-1")
            .setAuthToken(TerminalTokens.issue(PosFixture.SECRET, id)))
        .build());
    for (int i = data.consumeInt(0, 10); i > 0; i--) {
      frames.add(switch (data.consumeInt(0, 2)) {
        case 0 -> PosFrame.newBuilder().setPing(Ping.newBuilder().setNonce(data.consumeLong()))
            .build();
        case 1 -> PosFrame.newBuilder().setPong(Pong.newBuilder().setNonce(data.consumeLong()))
            .build();
        default -> PosFrame.newBuilder()
            .setAck(Ack.newBuilder().setResultId(text(data, 0, 40, ""))).build();
      });
    }
    return frames;
  }

  /** Any frame type, either direction, including an empty one; {@code hello} for Hellos. */
  static PosFrame anyFrame(FuzzedDataProvider data, PosFrame hello) {
    int type = data.consumeInt(0, 7);
    String s = text(data, 0, 40, "");
    long n = data.consumeLong();
    int i = data.consumeInt();
    PosFrame.Builder frame = PosFrame.newBuilder();
    switch (type) {
      case 0 -> frame.mergeFrom(hello);
      case 1 -> frame.setWelcome(Welcome.newBuilder().setNodeId(s).setSessionId(s)
          .setHeartbeatIntervalMs(i));
      case 2 -> frame.setPaymentResult(PaymentResult.newBuilder().setResultId(s)
          .setTerminalId(s).setAmount(n).setInstallmentMonths(i)
          .setReceivedAt(Timestamp.newBuilder().setSeconds(n).setNanos(i)));
      case 3 -> frame.setAck(Ack.newBuilder().setResultId(s));
      case 4 -> frame.setPing(Ping.newBuilder().setNonce(n));
      case 5 -> frame.setPong(Pong.newBuilder().setNonce(n));
      case 6 -> frame.setError(Error.newBuilder().setCodeValue(data.consumeInt(0, 11))
          .setMessage(s));
      default -> { } // empty
    }
    return frame.build();
  }

  /** One change to a byte stream; positions wrap around the stream's length. */
  record Mutation(int kind, int position, byte[] bytes) {
    byte[] applyTo(byte[] in) {
      int at = Math.floorMod(position, in.length + 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      switch (kind) {
        case 0 -> { // flip one bit
          byte[] copy = in.clone();
          if (copy.length > 0) {
            copy[Math.floorMod(position, copy.length)] ^= (byte) (1 << (bytes.length % 8));
          }
          return copy;
        }
        case 1, 2 -> { // insert bytes (kind 2: a varint-looking run, high bits set)
          out.write(in, 0, at);
          for (byte b : bytes) {
            out.write(kind == 2 ? (b | 0x80) : b);
          }
          out.write(in, at, in.length - at);
        }
        case 3 -> { // delete a range
          int end = Math.min(in.length, at + bytes.length + 1);
          out.write(in, 0, at);
          out.write(in, end, in.length - end);
        }
        case 4 -> out.write(in, 0, at); // truncate
        case 5 -> { // overwrite with bytes
          byte[] copy = in.clone();
          for (int i = 0; i < bytes.length && at + i < copy.length; i++) {
            copy[at + i] = bytes[i];
          }
          return copy;
        }
        default -> { // repeat a range
          int end = Math.min(in.length, at + bytes.length + 1);
          out.write(in, 0, end);
          out.write(in, at, in.length - at);
        }
      }
      return out.toByteArray();
    }
  }

  /**
   * A stream of a Hello (valid or not) and up to 8 frames of every kind, then up to 4 {@link
   * Mutation}s applied to its bytes.
   */
  static byte[] mutatedStream(FuzzedDataProvider data) {
    PosFrame hello = hello(data);
    List<PosFrame> frames = new ArrayList<>();
    frames.add(hello);
    for (int i = data.consumeInt(0, 8); i > 0; i--) {
      frames.add(anyFrame(data, hello));
    }
    byte[] bytes = PosPipelineFuzzTest.encode(frames);
    for (int i = data.consumeInt(0, 4); i > 0; i--) {
      int kind = data.consumeInt(0, 6);
      int position = data.consumeInt(); // Mutation wraps it around the stream's length
      bytes = new Mutation(kind, position, data.consumeBytes(8)).applyTo(bytes);
    }
    return bytes;
  }
}
