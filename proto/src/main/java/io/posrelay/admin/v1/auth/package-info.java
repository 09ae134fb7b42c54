/** The admin API's operator-token header. */
@NullMarked
package io.posrelay.admin.v1.auth;

import org.jspecify.annotations.NullMarked;
