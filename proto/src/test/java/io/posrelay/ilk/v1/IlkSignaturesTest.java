package io.posrelay.ilk.v1;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The signature scheme, and the worked example of docs/ilk-webhook.md kept exact. */
class IlkSignaturesTest {

  /** The worked example of docs/ilk-webhook.md, "Signature". */
  static final String DOC_SECRET = "ilk-example-secret-0123456789abcdef";
  static final String DOC_TIMESTAMP = "1795924800";
  static final String DOC_BODY = "{\"transactionId\":\"ILK20261129000001\",\"terminalId\":"
      + "\"CAT-0001\",\"resultCode\":\"0000\",\"amount\":15000,"
      + "\"cardNumberMasked\":\"536148******0012\"}";
  /** Computed independently: printf '%s' "$TS.$BODY" | openssl dgst -sha256 -hmac "$SECRET". */
  static final String DOC_SIGNATURE =
      "v1=b299314c3f42baaf4045373f9bdbb7e83a2f80e7f04b2c5b319edb0ca0372e51";

  @Test
  void docExample_signsToTheDocumentedHex() {
    assertThat(IlkSignatures.sign(DOC_SECRET.getBytes(UTF_8), DOC_TIMESTAMP,
        DOC_BODY.getBytes(UTF_8))).isEqualTo(DOC_SIGNATURE);
  }

  @Test
  void docExample_appearsInTheDocByteForByte() throws Exception {
    String doc = Files.readString(docs().resolve("ilk-webhook.md"), UTF_8);

    assertThat(doc)
        .contains("secret    " + DOC_SECRET)
        .contains("timestamp " + DOC_TIMESTAMP)
        .contains("body      " + DOC_BODY)
        .contains("signed    " + DOC_TIMESTAMP + "." + DOC_BODY)
        .contains("X-ILK-Timestamp: " + DOC_TIMESTAMP)
        .contains("X-ILK-Signature: " + DOC_SIGNATURE)
        .contains("--data-binary '" + DOC_BODY + "'");
  }

  @Test
  void signature_isV1AndLowercaseHex_andDependsOnEveryInput() {
    byte[] key = DOC_SECRET.getBytes(UTF_8);
    byte[] body = DOC_BODY.getBytes(UTF_8);
    String signature = IlkSignatures.sign(key, DOC_TIMESTAMP, body);

    assertThat(signature).matches("v1=[0-9a-f]{64}");
    assertThat(IlkSignatures.sign(key, "1795924801", body)).isNotEqualTo(signature);
    assertThat(IlkSignatures.sign(key, DOC_TIMESTAMP, (DOC_BODY + " ").getBytes(UTF_8)))
        .isNotEqualTo(signature);
    assertThat(IlkSignatures.sign((DOC_SECRET + "x").getBytes(UTF_8), DOC_TIMESTAMP, body))
        .isNotEqualTo(signature);
  }

  @Test
  void signer_signsAsSign_messageAfterMessage_onEveryThread() throws Exception {
    byte[] key = DOC_SECRET.getBytes(UTF_8);
    IlkSignatures.Signer signer = new IlkSignatures.Signer(key);

    assertThat(signer.sign(DOC_TIMESTAMP, DOC_BODY.getBytes(UTF_8))).isEqualTo(DOC_SIGNATURE);
    Runnable messages = () -> {
      for (int i = 0; i < 200; i++) {
        byte[] body = (DOC_BODY + i).getBytes(UTF_8);
        assertThat(signer.sign(DOC_TIMESTAMP, body))
            .isEqualTo(IlkSignatures.sign(key, DOC_TIMESTAMP, body));
        assertThat(signer.hmac(DOC_TIMESTAMP, ByteBuffer.wrap(body, 0, 10),
            ByteBuffer.wrap(body, 10, body.length - 10)))
            .isEqualTo(IlkSignatures.hmac(key, DOC_TIMESTAMP, ByteBuffer.wrap(body)));
      }
    };
    List<CompletableFuture<Void>> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(CompletableFuture.runAsync(messages));
    }
    CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }

  @Test
  void signer_hasKey_onlyForItsOwnKey() {
    IlkSignatures.Signer signer = new IlkSignatures.Signer(DOC_SECRET.getBytes(UTF_8));

    assertThat(signer.hasKey(DOC_SECRET.getBytes(UTF_8))).isTrue();
    assertThat(signer.hasKey((DOC_SECRET + "x").getBytes(UTF_8))).isFalse();
  }

  /** The repository's docs/ folder, found from the module's or the root's working directory. */
  static Path docs() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/ilk-webhook.md"))) {
        return dir.resolve("docs");
      }
    }
    throw new AssertionError("docs/ilk-webhook.md not found above " + Path.of("").toAbsolutePath());
  }
}
