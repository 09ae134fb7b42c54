/**
 * The ILK callback as POS Relay reads it: {@link io.posrelay.ingest.callback.IlkCallbackMapper}
 * validates a callback's JSON body and maps it to a {@link io.posrelay.v1.PaymentResult}, with
 * its {@code result_id} from {@link io.posrelay.ilk.v1.IlkResultIds}; a callback that
 * cannot become one is an {@link io.posrelay.ingest.callback.InvalidCallbackException}; {@link
 * io.posrelay.ingest.callback.MaskedCardNumbers} keeps full card numbers (PANs) out of results
 * and log lines. No I/O here.
 */
@NullMarked
package io.posrelay.ingest.callback;

import org.jspecify.annotations.NullMarked;
