/** The ILK webhook contract: how ILK signs a callback (docs/ilk-webhook.md). */
@NullMarked
package io.posrelay.ilk.v1;

import org.jspecify.annotations.NullMarked;
