/**
 * The webhook's Netty HTTP pipeline, one handler per job: {@link
 * io.posrelay.ingest.http.IlkIngestChannelInitializer} builds it for each connection (TLS, idle
 * and request deadlines, HTTP codec, body limit, routing, the signature check, then the results
 * handler that maps, publishes and answers), and the JSON answers every stage writes are in one
 * place. Only the initializer is public; the logic it calls lives in the feature packages
 * ({@code callback}, {@code signature}, {@code kafka}).
 */
@NullMarked
package io.posrelay.ingest.http;

import org.jspecify.annotations.NullMarked;
