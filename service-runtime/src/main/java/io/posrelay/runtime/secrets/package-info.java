/** Rotating shared secrets: one loader for ILK secrets, terminal secrets and operator tokens. */
@NullMarked
package io.posrelay.runtime.secrets;

import org.jspecify.annotations.NullMarked;
