/**
 * TLS of the admin gRPC API from PEM files: the listener's certificate chain and PKCS#8 private
 * key, and the CA a client (a peer admin-api instance, relayctl) trusts. TLS 1.2 and 1.3 only.
 */
@NullMarked
package io.posrelay.admin.tls;

import org.jspecify.annotations.NullMarked;
