/** Terminal tokens: how a terminal proves its id in Hello.auth_token (docs/pos-protocol.md). */
@NullMarked
package io.posrelay.pos.v1.auth;

import org.jspecify.annotations.NullMarked;
