package io.posrelay.testkit.ilk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading the result id of a 202 body with the streaming parser. */
class IlkSimResultIdTest {
  private final JsonFactory json = new JsonFactory();

  @ParameterizedTest(name = "{0} -> [{1}]")
  @CsvSource(delimiter = '|', emptyValue = "", value = {
      "{\"resultId\":\"r-1\"}                                    | r-1",
      "{\"status\":\"ACCEPTED\",\"resultId\":\"r-2\",\"n\":3}     | r-2",
      "{\"a\":{\"resultId\":\"inner\"},\"b\":[1,{}],\"resultId\":\"r-3\"} | r-3",
      "{\"a\":{\"resultId\":\"inner\"}}                          | ''",
      "{\"resultId\":42}                                         | 42",
      "{\"resultId\":null}                                       | ''",
      "{\"resultId\":{\"x\":\"y\"}}                              | ''",
      "{\"resultId\":[\"r\"]}                                    | ''",
      "{}                                                        | ''",
      "[\"resultId\",\"r\"]                                      | ''",
      "\"r\"                                                     | ''",
      "{\"resultId\":\"r\"                                       | ''",
      "{\"resultId\":\"r\",}                                     | ''",
      "not json                                                  | ''",
      "''                                                        | ''",
  })
  void resultId_isTheTopLevelScalar_orEmpty(String body, String expected) {
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);

    assertThat(IlkSimulator.resultId(json, content)).isEqualTo(expected);
    assertThat(content.readerIndex()).isZero();
  }

  @ParameterizedTest(name = "a body split over {0} buffers")
  @CsvSource({"2", "5"})
  void resultId_readsACompositeBuffer(int parts) {
    byte[] body = "{\"status\":\"ACCEPTED\",\"resultId\":\"r-9\"}".getBytes(StandardCharsets.UTF_8);
    ByteBuf[] pieces = new ByteBuf[parts];
    int step = body.length / parts;
    for (int i = 0; i < parts; i++) {
      int end = i == parts - 1 ? body.length : (i + 1) * step;
      pieces[i] = Unpooled.wrappedBuffer(body, i * step, end - i * step);
    }

    assertThat(IlkSimulator.resultId(json, Unpooled.wrappedBuffer(pieces))).isEqualTo("r-9");
  }
}
