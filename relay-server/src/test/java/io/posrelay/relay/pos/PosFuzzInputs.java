package io.posrelay.relay.pos;

import com.google.protobuf.Timestamp;
import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.Ping;
import io.posrelay.pos.v1.Pong;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.relay.auth.TerminalTokens;
import io.posrelay.v1.PaymentResult;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators of POS input for {@link PosPipelineFuzzTest}: Hellos, frame streams, mutations. */
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
   * Text of {@code min..max} UTF-16 chars: from {@code alphabet} if given, else any char —
   * ASCII, control characters, Hangul, any other BMP char. Made with {@link
   * Arbitraries#randomValue}, which is much faster than jqwik's string arbitraries (it does not
   * shrink; a failure shows the whole value).
   */
  static Arbitrary<String> text(int min, int max, String alphabet) {
    return Arbitraries.randomValue(r -> text(r, min, max, alphabet));
  }

  static String text(Random r, int min, int max, String alphabet) {
    int length = switch (r.nextInt(8)) { // lengths at the edges more often
      case 0 -> min;
      case 1 -> max;
      default -> min + r.nextInt(max - min + 1);
    };
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.isEmpty() ? anyChar(r) : alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /**
   * ASCII, control characters, Hangul or any BMP char but a surrogate: protobuf replaces a lone
   * surrogate with '?' before it reaches the wire (and logs a stack trace each time), so it tests
   * nothing here. Invalid UTF-8 on the wire comes from the byte mutations instead.
   */
  private static char anyChar(Random r) {
    char c = switch (r.nextInt(4)) {
      case 0 -> (char) (0x20 + r.nextInt(0x5f));
      case 1 -> (char) r.nextInt(0x20);
      case 2 -> (char) (0xAC00 + r.nextInt(11_172));
      default -> (char) r.nextInt(0x10000);
    };
    return Character.isSurrogate(c) ? '\uFFFD' : c;
  }

  static Arbitrary<String> validTerminalIds() {
    return text(1, 64, ID_CHARS);
  }

  static Arbitrary<String> terminalIds() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, validTerminalIds()),
        Tuple.of(1, text(65, 70, ID_CHARS)),
        Tuple.of(1, Arbitraries.just("")),
        Tuple.of(2, text(0, 80, "")));
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

  /** Hello frames: valid and invalid ids, merchant ids and tokens, mostly near the limits. */
  static Arbitrary<PosFrame> hellos() {
    Arbitrary<String> merchants = Arbitraries.oneOf(text(0, 70, ""), text(63, 66, ID_CHARS));
    return Combinators.combine(terminalIds(), merchants, Arbitraries.integers().between(0, 11),
            text(0, 60, ""), Arbitraries.integers())
        .as((id, merchant, kind, text, position) -> PosFrame.newBuilder()
            .setHello(Hello.newBuilder().setTerminalId(id).setMerchantId(merchant)
                .setAuthToken(token(id, kind, text, position)))
            .build());
  }

  /** A Hello that is welcomed, then frames a terminal may send. */
  static Arbitrary<List<PosFrame>> validStreams() {
    Arbitrary<PosFrame> hello = validTerminalIds().map(id -> PosFrame.newBuilder()
        .setHello(Hello.newBuilder().setTerminalId(id).setMerchantId("M-1")
            .setAuthToken(TerminalTokens.issue(PosFixture.SECRET, id)))
        .build());
    Arbitrary<PosFrame> terminalFrame = Arbitraries.oneOf(
        Arbitraries.longs().map(n -> PosFrame.newBuilder()
            .setPing(Ping.newBuilder().setNonce(n)).build()),
        Arbitraries.longs().map(n -> PosFrame.newBuilder()
            .setPong(Pong.newBuilder().setNonce(n)).build()),
        text(0, 40, "").map(id -> PosFrame.newBuilder()
            .setAck(Ack.newBuilder().setResultId(id)).build()));
    return Combinators.combine(hello, terminalFrame.list().ofMaxSize(10))
        .as((first, rest) -> {
          List<PosFrame> all = new ArrayList<>();
          all.add(first);
          all.addAll(rest);
          return all;
        });
  }

  /** Any frame type, either direction, including an empty one; {@code hello} for Hellos. */
  static PosFrame anyFrame(Random r, PosFrame hello) {
    String s = text(r, 0, 40, "");
    long n = r.nextLong();
    int i = r.nextInt();
    PosFrame.Builder frame = PosFrame.newBuilder();
    switch (r.nextInt(8)) {
      case 0 -> frame.mergeFrom(hello);
      case 1 -> frame.setWelcome(Welcome.newBuilder().setNodeId(s).setSessionId(s)
          .setHeartbeatIntervalMs(i));
      case 2 -> frame.setPaymentResult(PaymentResult.newBuilder().setResultId(s)
          .setTerminalId(s).setAmount(n).setInstallmentMonths(i)
          .setReceivedAt(Timestamp.newBuilder().setSeconds(n).setNanos(i)));
      case 3 -> frame.setAck(Ack.newBuilder().setResultId(s));
      case 4 -> frame.setPing(Ping.newBuilder().setNonce(n));
      case 5 -> frame.setPong(Pong.newBuilder().setNonce(n));
      case 6 -> frame.setError(Error.newBuilder().setCodeValue(r.nextInt(12)).setMessage(s));
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
   * Streams of a Hello (valid or not) and up to 8 frames of every kind, then up to 4 {@link
   * Mutation}s applied to the bytes.
   */
  static Arbitrary<byte[]> mutatedStreams() {
    return Combinators.combine(hellos(), Arbitraries.longs())
        .as((hello, seed) -> {
          Random r = new Random(seed);
          List<PosFrame> frames = new ArrayList<>();
          frames.add(hello);
          for (int i = r.nextInt(9); i > 0; i--) {
            frames.add(anyFrame(r, hello));
          }
          byte[] bytes = PosPipelineFuzzTest.encode(frames);
          for (int i = r.nextInt(5); i > 0; i--) {
            byte[] insert = new byte[r.nextInt(9)];
            r.nextBytes(insert);
            bytes = new Mutation(r.nextInt(7), r.nextInt(Integer.MAX_VALUE), insert)
                .applyTo(bytes);
          }
          return bytes;
        });
  }
}
