package io.posrelay.relay.pos;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.RecentRequest;
import io.posrelay.pos.v1.RecentResponse;
import io.posrelay.pos.v1.ResultStatus;
import io.posrelay.pos.v1.StatusRequest;
import io.posrelay.pos.v1.StatusResponse;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the protocol version 2 hex examples of docs/pos-protocol.md (§10) exact: each frame is
 * encoded here and its bytes, 16 to a line, must appear in the doc as one code block.
 */
class PosProtocolV2ExamplesTest {
  /** The approval of §2.3. */
  static final PaymentResult RESULT = PaymentResult.newBuilder()
      .setResultId("62db5330-40d8-3308-a802-845a62b7b117")
      .setTransactionId("T20260102-000042")
      .setTerminalId("CAT-0001")
      .setMerchantId("M-1001")
      .setOrderId("ORD-7")
      .setResultCode("0000")
      .setResultMessage("APPROVED")
      .setAmount(15_000)
      .setCurrency("KRW")
      .setApprovalNumber("30012345")
      .setCardNumberMasked("536148******1234")
      .setApprovedAt(Timestamp.newBuilder().setSeconds(1_767_322_800L))
      .setReceivedAt(Timestamp.newBuilder().setSeconds(1_767_322_801L).setNanos(250_000_000))
      .setAttempt(1)
      .build();

  private static String doc() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docs/pos-protocol.md"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("docs/pos-protocol.md above the working directory").isNotNull();
    return Files.readString(dir.resolve("docs/pos-protocol.md"));
  }

  /** The frame on the wire as the doc shows it: hex, 16 bytes a line, in a code block. */
  static String block(PosFrame frame) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    frame.writeDelimitedTo(out);
    byte[] bytes = out.toByteArray();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += 16) {
      lines.add(HexFormat.ofDelimiter(" ").formatHex(bytes, i, Math.min(bytes.length, i + 16)));
    }
    return "```\n" + String.join("\n", lines) + "\n```\n";
  }

  static List<PosFrame> examples() {
    return List.of(
        PosFrame.newBuilder().setHello(Hello.newBuilder().setTerminalId("CAT-0001")
            .setMerchantId("M-1001").setProtocolVersion(2)).build(),
        PosFrame.newBuilder().setWelcome(Welcome.newBuilder().setNodeId("relay-1")
            .setSessionId("3f2c9a7e-5b1d-4c8e-9a0f-1e2d3c4b5a69").setHeartbeatIntervalMs(10_000)
            .setProtocolVersion(2)).build(),
        PosFrame.newBuilder().setStatusRequest(StatusRequest.newBuilder().setRequestId("q-1")
            .setTransactionId("T20260102-000042")).build(),
        PosFrame.newBuilder().setStatusResponse(StatusResponse.newBuilder().setRequestId("q-1")
            .setFound(true).setStatus(ResultStatus.RESULT_STATUS_FAILED)
            .setFailureReason(FailureReason.FAILURE_REASON_UNCLAIMED)
            .setPaymentResult(RESULT)).build(),
        PosFrame.newBuilder().setStatusResponse(StatusResponse.newBuilder().setRequestId("q-2")
            .setFound(false)).build(),
        PosFrame.newBuilder().setRecentRequest(RecentRequest.newBuilder().setRequestId("q-3")
            .setLimit(5)).build(),
        PosFrame.newBuilder().setRecentResponse(RecentResponse.newBuilder().setRequestId("q-3")
            .addResults(StatusResponse.newBuilder().setFound(true)
                .setStatus(ResultStatus.RESULT_STATUS_DELIVERED).setPaymentResult(RESULT)))
            .build(),
        PosFrame.newBuilder().setError(Error.newBuilder().setCode(Error.Code.CODE_UNAVAILABLE)
            .setMessage("ledger unreachable").setRequestId("q-1")).build());
  }

  @Test
  void everyVersion2Example_isInTheDoc_byteForByte() throws IOException {
    String doc = doc();
    for (PosFrame example : examples()) {
      assertThat(doc).as("docs/pos-protocol.md shows %s", example.getFrameCase())
          .contains(block(example));
    }
  }

  @Test
  void welcomeOfVersion1_isInTheDoc() throws IOException {
    assertThat(doc()).contains(block(PosFrame.newBuilder().setWelcome(Welcome.newBuilder()
        .setNodeId("relay-1").setSessionId("3f2c9a7e-5b1d-4c8e-9a0f-1e2d3c4b5a69")
        .setHeartbeatIntervalMs(10_000).setProtocolVersion(1)).build()));
  }

  /** Prints the blocks, for writing the doc: {@code -Dposrelay.docs.print=true}. */
  @Test
  void printExamples() throws IOException {
    if (Boolean.getBoolean("posrelay.docs.print")) {
      for (PosFrame example : examples()) {
        System.out.println("### " + example.getFrameCase() + " " + example.getSerializedSize());
        System.out.print(block(example));
      }
    }
  }
}
