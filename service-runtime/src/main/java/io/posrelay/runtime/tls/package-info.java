/** TLS from PEM files for every listener and client. */
@NullMarked
package io.posrelay.runtime.tls;

import org.jspecify.annotations.NullMarked;
