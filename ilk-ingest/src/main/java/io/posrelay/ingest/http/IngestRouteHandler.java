package io.posrelay.ingest.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.ingest.metrics.IngestMeters.Outcome;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Routes aggregated HTTP requests: a {@code POST /ilk/v1/results} with a JSON content type is
 * passed on (to {@link CallbackSignatureHandler} when signatures are checked, then {@link
 * ResultsHandler}); everything else is answered here with 400 (unparseable HTTP), 414 (request
 * line too long), 431 (headers too large), 404 (any other path, {@code /metrics} included: the
 * metrics are on the management port, never on the port ILK reaches), 405 (with {@code Allow})
 * or 415. After 400, 414 and 431 the connection is closed. The query string is ignored.
 */
final class IngestRouteHandler extends ChannelInboundHandlerAdapter {

  static final String RESULTS_PATH = "/ilk/v1/results";
  /** Longest request line the decoder accepts (Netty's default); longer gets 414. */
  static final int MAX_INITIAL_LINE_BYTES = 4096;
  /** Largest header block the decoder accepts (Netty's default); larger gets 431. */
  static final int MAX_HEADER_BYTES = 8192;

  private final IngestMeters meters;

  IngestRouteHandler(IngestMeters meters) {
    this.meters = meters;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    boolean passedOn = false;
    try {
      HttpVersion version = request.protocolVersion();
      if (request.decoderResult().isFailure()) {
        rejectUnparseable(ctx, version, request.decoderResult().cause());
        return;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      if (path.equals(RESULTS_PATH)) {
        if (!HttpMethod.POST.equals(request.method())) {
          respond(ctx, Outcome.METHOD_NOT_ALLOWED, IngestResponses.methodNotAllowed(version, "POST"));
        } else if (!isJson(request)) {
          respond(ctx, Outcome.UNSUPPORTED_MEDIA_TYPE, IngestResponses.error(version,
              HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", null,
              "Content-Type must be application/json (charset, if given, utf-8)"));
        } else {
          passedOn = true;
          ctx.fireChannelRead(request);
        }
      } else {
        respond(ctx, Outcome.NOT_FOUND, IngestResponses.error(version,
            HttpResponseStatus.NOT_FOUND, "not_found", null, "no such path; use POST "
                + RESULTS_PATH));
      }
    } finally {
      if (!passedOn) {
        ReferenceCountUtil.release(request);
      }
    }
  }

  /** 414, 431 or 400 for a request the HTTP decoder gave up on; the connection is closed. */
  private void rejectUnparseable(ChannelHandlerContext ctx, HttpVersion version, Throwable cause) {
    Outcome outcome;
    FullHttpResponse response;
    if (cause instanceof TooLongHttpLineException) {
      outcome = Outcome.URI_TOO_LONG;
      response = IngestResponses.error(version, HttpResponseStatus.REQUEST_URI_TOO_LONG,
          "uri_too_long", null, "request line is longer than " + MAX_INITIAL_LINE_BYTES + " bytes");
    } else if (cause instanceof TooLongHttpHeaderException) {
      outcome = Outcome.HEADERS_TOO_LARGE;
      response = IngestResponses.error(version,
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large", null,
          "request headers are larger than " + MAX_HEADER_BYTES + " bytes");
    } else {
      outcome = Outcome.INVALID;
      response = IngestResponses.error(version, HttpResponseStatus.BAD_REQUEST, "bad_request",
          null, "unparseable HTTP request");
    }
    meters.request(outcome);
    ctx.writeAndFlush(IngestResponses.closing(response)).addListener(ChannelFutureListener.CLOSE);
  }

  private void respond(ChannelHandlerContext ctx, Outcome outcome, FullHttpResponse response) {
    meters.request(outcome);
    ctx.writeAndFlush(response);
  }

  /** True for {@code application/json}, optionally with a UTF-8 charset parameter. */
  static boolean isJson(FullHttpRequest request) {
    String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (contentType != null
        && HttpHeaderValues.APPLICATION_JSON.contentEqualsIgnoreCase(contentType)) {
      return true; // what ILK sends: no parameters, so no charset to check
    }
    CharSequence mime = HttpUtil.getMimeType(request);
    if (mime == null
        || !HttpHeaderValues.APPLICATION_JSON.contentEqualsIgnoreCase(mime.toString().strip())) {
      return false;
    }
    CharSequence charset = HttpUtil.getCharsetAsSequence(request);
    if (charset == null) {
      return true;
    }
    try {
      return Charset.forName(charset.toString().strip().replace("\"", ""))
          .equals(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
