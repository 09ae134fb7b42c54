/** Certificates and secrets: secure mode's local CA and secrets directory, and a test CA. */
@NullMarked
package io.posrelay.testkit.secure;

import org.jspecify.annotations.NullMarked;
