/**
 * Terminal authentication: the per-terminal tokens a terminal presents in {@code
 * Hello.auth_token} (an HMAC of its terminal id under a deployment secret), the secrets they are
 * derived from, and the per-address limit on failed attempts. Public so that {@code relayctl} can
 * issue tokens with the same code that checks them.
 */
@NullMarked
package io.posrelay.relay.auth;

import org.jspecify.annotations.NullMarked;
