package io.posrelay.ingest.http;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.posrelay.ingest.callback.InvalidCallbackException;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP answers of ilk-ingest. Every body is a small JSON object with a Content-Length, so
 * keep-alive works: {@code {"resultId": "…"}} for 202, {@code {"error": "…", "field": "…",
 * "message": "…"}} otherwise ({@code field} only for {@code invalid_field}, the JSON field, and
 * {@code unauthenticated}, the header).
 */
final class IngestResponses {

  static final String RETRY_AFTER_UNAVAILABLE_SECONDS = "5";
  static final String RETRY_AFTER_OVERLOADED_SECONDS = "1";
  /** The scheme a 401 names: ILK's HMAC-SHA256 signature headers (docs/ilk-webhook.md). */
  static final String WWW_AUTHENTICATE = "ILK-HMAC-SHA256";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] ACCEPTED_PREFIX = "{\"resultId\":\"".getBytes(US_ASCII);
  private static final byte[] ACCEPTED_SUFFIX = "\"}".getBytes(US_ASCII);

  private IngestResponses() {}

  static FullHttpResponse accepted(HttpVersion version, String resultId) {
    if (!isPlainAscii(resultId)) { // never for a result id (a UUID); Jackson escapes the rest
      return json(version, HttpResponseStatus.ACCEPTED,
          JSON.createObjectNode().put("resultId", resultId));
    }
    // The bytes Jackson writes for {"resultId": id}, without a tree and a generator per answer.
    byte[] bytes = new byte[ACCEPTED_PREFIX.length + resultId.length() + ACCEPTED_SUFFIX.length];
    System.arraycopy(ACCEPTED_PREFIX, 0, bytes, 0, ACCEPTED_PREFIX.length);
    for (int i = 0; i < resultId.length(); i++) {
      bytes[ACCEPTED_PREFIX.length + i] = (byte) resultId.charAt(i); // ASCII: one byte each
    }
    System.arraycopy(ACCEPTED_SUFFIX, 0, bytes, bytes.length - ACCEPTED_SUFFIX.length,
        ACCEPTED_SUFFIX.length);
    return json(version, HttpResponseStatus.ACCEPTED, bytes);
  }

  /** True if {@code s} is printable ASCII without {@code "} or {@code \}: JSON as it stands. */
  private static boolean isPlainAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** 401 (with {@code WWW-Authenticate}) for {@code unauthenticated}, else 400. */
  static FullHttpResponse invalid(HttpVersion version, InvalidCallbackException e) {
    if (InvalidCallbackException.UNAUTHENTICATED.equals(e.error())) {
      FullHttpResponse response = error(version, HttpResponseStatus.UNAUTHORIZED, e.error(),
          e.field(), e.getMessage());
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, WWW_AUTHENTICATE);
      return response;
    }
    return error(version, HttpResponseStatus.BAD_REQUEST, e.error(), e.field(), e.getMessage());
  }

  /** 408 for a request not received in full within the request deadline; closes. */
  static FullHttpResponse requestTimeout(long deadlineMillis) {
    return closing(error(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
        "request_timeout", null,
        "request not received in full within " + deadlineMillis + " ms"));
  }

  static FullHttpResponse error(HttpVersion version, HttpResponseStatus status, String error,
      @Nullable String field, @Nullable String message) {
    ObjectNode body = JSON.createObjectNode().put("error", error);
    if (field != null) {
      body.put("field", field);
    }
    body.put("message", message == null ? status.reasonPhrase() : message);
    return json(version, status, body);
  }

  /** 503 with Retry-After; {@code close} adds {@code Connection: close}. */
  static FullHttpResponse unavailable(HttpVersion version, String message, String retryAfterSeconds,
      boolean close) {
    FullHttpResponse response =
        error(version, HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", null, message);
    response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    return close ? closing(response) : response;
  }

  static FullHttpResponse methodNotAllowed(HttpVersion version, String allow) {
    FullHttpResponse response = error(version, HttpResponseStatus.METHOD_NOT_ALLOWED,
        "method_not_allowed", null, "use " + allow);
    response.headers().set(HttpHeaderNames.ALLOW, allow);
    return response;
  }

  /** Marks {@code response} as the last one on its connection. */
  static FullHttpResponse closing(FullHttpResponse response) {
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  private static FullHttpResponse json(HttpVersion version, HttpResponseStatus status,
      ObjectNode body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON object node", e);
    }
    return json(version, status, bytes);
  }

  private static FullHttpResponse json(HttpVersion version, HttpResponseStatus status,
      byte[] bytes) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(bytes));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return response;
  }
}
