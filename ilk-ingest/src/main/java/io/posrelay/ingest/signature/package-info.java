/**
 * ILK's callback signatures: {@link io.posrelay.ingest.signature.IlkSecrets} holds the shared
 * secrets (current and, during a rotation, previous) and {@link
 * io.posrelay.ingest.signature.CallbackSignatureVerifier} checks a callback's HMAC-SHA256 headers
 * against them, on the raw body, before anything parses it. The scheme itself, shared with ILK's
 * side ({@code relayctl ilk-sim}), is {@link io.posrelay.ilk.v1.IlkSignatures}.
 */
@NullMarked
package io.posrelay.ingest.signature;

import org.jspecify.annotations.NullMarked;
