package io.posrelay.ingest.callback;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a callback body with one streaming pass and keeps only the top-level values of the fields
 * {@link IlkCallbackMapper} knows, as small {@link JsonNode}s; no tree of the whole body is built.
 *
 * <p>It accepts and rejects what {@code ObjectMapper.readTree} with {@code
 * FAIL_ON_TRAILING_TOKENS} and strict duplicate detection would, with the same messages: the
 * whole body is read (every string decoded, every number converted, as a tree would) before any
 * field is looked at, so a syntax error or a broken limit anywhere wins over an invalid field; a
 * token after the value is {@code malformed_json} at that token's line and column; anything but
 * one JSON object is {@code "request body must be one JSON object"}. A known field holding an
 * object or array is kept as an empty object node (neither null, text nor number). Thread-safe.
 */
final class CallbackJsonReader {

  /** The fields {@link #read} keeps, in the mapper's order. */
  static final String[] FIELDS = {"transactionId", "terminalId", "resultCode", "amount",
      "merchantId", "orderId", "resultMessage", "currency", "approvalNumber", "cardNumberMasked",
      "installmentMonths", "approvedAt"};

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Stands for an object or array value: only its kind is ever asked. Never changed. */
  private static final JsonNode CONTAINER = NODES.objectNode();

  private final JsonFactory factory;

  CallbackJsonReader() {
    factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(IlkCallbackMapper.MAX_NESTING_DEPTH)
            // Each known field has its own, tighter length check with an error naming it; these
            // bound what unknown fields may hold when max-body-bytes is raised.
            .maxStringLength(IlkCallbackMapper.MAX_STRING_CHARS)
            .maxNameLength(IlkCallbackMapper.MAX_NAME_CHARS)
            .maxNumberLength(IlkCallbackMapper.MAX_NUMBER_CHARS)
            .maxTokenCount(IlkCallbackMapper.MAX_TOKENS)
            .build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  /** The known fields' top-level values of one body; absent ones are null. Not thread-safe. */
  static final class Fields {
    private final @Nullable JsonNode[] values = new JsonNode[FIELDS.length];

    /** The value of {@code field}, one of {@link #FIELDS}; null if absent. */
    @Nullable JsonNode get(String field) {
      return values[indexOf(field)];
    }
  }

  /**
   * Reads {@code body}.
   *
   * @param body JSON, UTF-8/16/32 detected; read without moving its indexes, not released
   * @throws InvalidCallbackException {@code malformed_json} or {@code json_limit}, field null
   */
  Fields read(ByteBuf body) throws InvalidCallbackException {
    try (InputStream in = new ByteBufInputStream(body.duplicate());
        JsonParser p = factory.createParser(in)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw notOneObject();
      }
      Fields fields = null;
      if (first == JsonToken.START_OBJECT) {
        fields = readObject(p);
      } else {
        readThrough(p, first);
      }
      if (p.nextToken() != null) { // as FAIL_ON_TRAILING_TOKENS: at the trailing token
        throw malformed(p.currentTokenLocation());
      }
      if (fields == null) {
        throw notOneObject();
      }
      return fields;
    } catch (StreamConstraintsException e) {
      throw InvalidCallbackException.jsonLimit(limitBroken(e));
    } catch (JsonProcessingException e) {
      // The parser's own message may quote the input (possibly a card number): never echo it.
      throw malformed(e.getLocation());
    } catch (IOException e) {
      throw InvalidCallbackException.malformedJson("request body is not valid JSON");
    }
  }

  private static Fields readObject(JsonParser p) throws IOException {
    Fields fields = new Fields();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      int index = indexOf(p.currentName());
      JsonToken value = p.nextToken();
      if (value == null) {
        throw new EOFException("end of input in an object");
      }
      if (index < 0) {
        readThrough(p, value);
      } else {
        fields.values[index] = node(p, value);
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new EOFException("end of input in an object");
    }
    return fields;
  }

  /** The node a tree would hold for the value at {@code t}; a container is read through. */
  private static JsonNode node(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case VALUE_STRING -> TextNode.valueOf(p.getText());
      case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
        case INT -> NODES.numberNode(p.getIntValue());
        case LONG -> NODES.numberNode(p.getLongValue());
        default -> NODES.numberNode(p.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> DoubleNode.valueOf(p.getDoubleValue());
      case VALUE_TRUE -> BooleanNode.TRUE;
      case VALUE_FALSE -> BooleanNode.FALSE;
      case VALUE_NULL -> NullNode.getInstance();
      default -> {
        readThrough(p, t);
        yield CONTAINER;
      }
    };
  }

  /**
   * Reads the value starting at {@code t} to its end, decoding each string and converting each
   * number as building a tree would, so that the same inputs fail.
   */
  private static void readThrough(JsonParser p, JsonToken first) throws IOException {
    int depth = 0;
    JsonToken t = first;
    while (true) {
      switch (t) {
        case START_OBJECT, START_ARRAY -> depth++;
        case END_OBJECT, END_ARRAY -> depth--;
        case VALUE_STRING -> p.getText();
        case VALUE_NUMBER_INT -> p.getNumberValue();
        case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
        default -> { }
      }
      if (depth == 0) {
        return;
      }
      t = p.nextToken();
      if (t == null) {
        throw new EOFException("end of input in a value");
      }
    }
  }

  /** The index of {@code field} in {@link #FIELDS}, or -1. */
  private static int indexOf(String field) {
    return switch (field) {
      case "transactionId" -> 0;
      case "terminalId" -> 1;
      case "resultCode" -> 2;
      case "amount" -> 3;
      case "merchantId" -> 4;
      case "orderId" -> 5;
      case "resultMessage" -> 6;
      case "currency" -> 7;
      case "approvalNumber" -> 8;
      case "cardNumberMasked" -> 9;
      case "installmentMonths" -> 10;
      case "approvedAt" -> 11;
      default -> -1;
    };
  }

  private static InvalidCallbackException notOneObject() {
    return InvalidCallbackException.malformedJson("request body must be one JSON object");
  }

  private static InvalidCallbackException malformed(@Nullable JsonLocation at) {
    return InvalidCallbackException.malformedJson(at == null
        ? "request body is not valid JSON"
        : "request body is not valid JSON (line " + at.getLineNr() + ", column "
            + at.getColumnNr() + ")");
  }

  /** Names the limit; Jackson's own message is not echoed (it is not ours to keep value-free). */
  private static String limitBroken(StreamConstraintsException e) {
    String jackson = String.valueOf(e.getOriginalMessage());
    if (jackson.startsWith("Document nesting depth")) {
      return "request body is nested deeper than " + IlkCallbackMapper.MAX_NESTING_DEPTH
          + " levels";
    } else if (jackson.startsWith("String value length")) {
      return "a JSON string in the request body is longer than "
          + IlkCallbackMapper.MAX_STRING_CHARS + " characters";
    } else if (jackson.startsWith("Name length")) {
      return "a JSON field name in the request body is longer than "
          + IlkCallbackMapper.MAX_NAME_CHARS + " characters";
    } else if (jackson.startsWith("Number value length")) {
      return "a JSON number in the request body is longer than "
          + IlkCallbackMapper.MAX_NUMBER_CHARS + " characters";
    } else if (jackson.startsWith("Token count")) {
      return "request body has more than " + IlkCallbackMapper.MAX_TOKENS + " JSON tokens";
    }
    return "request body breaks a JSON parser limit";
  }
}
