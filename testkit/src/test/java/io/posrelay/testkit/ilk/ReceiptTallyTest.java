package io.posrelay.testkit.ilk;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.testkit.ilk.IlkReceiptReceiver.ReceivedReceipt;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptTallyTest {
  private static ReceivedReceipt receipt(String receiptId, String kind, String resultId) {
    return new ReceivedReceipt(receiptId, kind, resultId, "T-1", "2026-01-02T03:04:05Z",
        receiptId);
  }

  @Test
  void finalResultWithoutExactlyOneFinalReceipt_isMissing_andARepeatIsADuplicate() {
    ReceiptTally tally = ReceiptTally.of(List.of(
            receipt("d-a", "DELIVERED", "a"),
            receipt("d-a", "DELIVERED", "a"),
            receipt("r-b", "REVERSAL_REQUIRED", "b"),
            receipt("c-b", "CONFLICT", "b"),
            receipt("d-c", "DELIVERED", "c"),
            receipt("r-c", "REVERSAL_REQUIRED", "c")),
        List.of("a", "b", "c", "d"), 2);

    assertThat(tally.delivered()).isEqualTo(2);
    assertThat(tally.reversal()).isEqualTo(2);
    assertThat(tally.conflict()).isEqualTo(1);
    assertThat(tally.duplicates()).isEqualTo(1);
    assertThat(tally.missing()).as("c has two final receipts, d none").isEqualTo(2);
    assertThat(tally.badSignatures()).isEqualTo(2);
  }

  @Test
  void approvalsAwaitingTheirDecision_areCountedApart_notMissing() {
    ReceiptTally tally = ReceiptTally.of(List.of(receipt("d-a", "DELIVERED", "a")),
        List.of("a"), 0).withAwaitingDecision(3);

    assertThat(tally.missing()).isZero();
    assertThat(tally.line()).isEqualTo("receipts: delivered 1, reversal 0, conflict 0,"
        + " duplicates 0, missing 0, bad signatures 0, awaiting decision 3");
  }
}
