/** How a service is observed: its management HTTP listener and its meter registry. */
@NullMarked
package io.posrelay.runtime.management;

import org.jspecify.annotations.NullMarked;
