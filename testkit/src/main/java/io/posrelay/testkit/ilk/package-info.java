/** Simulated ILK: signed approval callbacks posted to the ilk-ingest webhook at a steady rate. */
@NullMarked
package io.posrelay.testkit.ilk;

import org.jspecify.annotations.NullMarked;
