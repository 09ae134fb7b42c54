package io.posrelay.admin.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.util.concurrent.TimeUnit;

/**
 * Gives each call its own deadline from when it starts. A stub's {@code withDeadlineAfter} fixes
 * one instant for every later call, so a test that spends a while filling the ledger first would
 * find it already passed.
 */
final class PerCallDeadline implements ClientInterceptor {
  private final long seconds;

  PerCallDeadline(long seconds) {
    this.seconds = seconds;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return next.newCall(method, options.withDeadlineAfter(seconds, TimeUnit.SECONDS));
  }
}
