package io.posrelay.ingest.receipt;

import java.util.Locale;

/** What a receipt tells ILK. The {@code kind} field of its JSON is {@link #name()}. */
public enum ReceiptKind {
  /** The terminal acked the result: final. */
  DELIVERED,
  /** An approval not delivered by its reversal deadline: ILK must reverse it. Final. */
  REVERSAL_REQUIRED,
  /** An ack that arrived after the reversal decision: the terminal has it, yet it is reversed. */
  CONFLICT;

  /** The metric tag value: {@code delivered}, {@code reversal_required}, {@code conflict}. */
  public String tagValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
