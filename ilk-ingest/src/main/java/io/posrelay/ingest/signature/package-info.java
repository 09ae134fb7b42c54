/**
 * ILK's callback signatures: {@link io.posrelay.ingest.signature.CallbackSignatureVerifier}
 * checks a callback's HMAC-SHA256 headers, on the raw body, before anything parses it, against
 * the shared secrets (current and, during a rotation, previous) that service-runtime's {@link
 * io.posrelay.runtime.secrets.RotatingSecrets} loads. The scheme itself, shared with ILK's side
 * ({@code relayctl ilk-sim}), is {@link io.posrelay.ilk.v1.IlkSignatures}.
 */
@NullMarked
package io.posrelay.ingest.signature;

import org.jspecify.annotations.NullMarked;
