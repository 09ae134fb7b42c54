package io.posrelay.admin;

import io.grpc.Server;
import io.posrelay.admin.ledger.LedgerHealth;
import io.posrelay.admin.ledger.LedgerStreams;
import io.posrelay.runtime.management.Health;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * admin-api's health, as {@link AdminServer} wires it: ready while the ledger is RUNNING and the
 * gRPC server serves; live while the gRPC call executor answers and the ledger has not stopped
 * for good ({@link LedgerHealth}). Stateless.
 */
final class AdminHealth {
  private AdminHealth() {}

  /**
   * A registry whose checks read the server's parts each time.
   *
   * @param ledger the ledger, null until started
   * @param grpc the gRPC server, null until bound
   * @param grpcExecutor runs the gRPC calls; pinged for liveness
   * @param closing whether the server is stopping
   */
  static Health of(Supplier<@Nullable LedgerStreams> ledger, Supplier<@Nullable Server> grpc,
      Executor grpcExecutor, BooleanSupplier closing) {
    return new Health("admin-api")
        .readiness("ledger", () -> {
          LedgerStreams l = ledger.get();
          return l == null ? Health.Status.down("not started yet")
              : LedgerHealth.readiness(l.state());
        })
        .readiness("grpc", () -> {
          Server s = grpc.get();
          if (s == null) {
            return Health.Status.down("not bound yet");
          }
          return s.isShutdown() ? Health.Status.down("shut down")
              : Health.Status.up("serving on port " + s.getPort());
        })
        .liveness("ledger-streams", () -> {
          LedgerStreams l = ledger.get();
          return l == null ? Health.Status.up("not started yet")
              : LedgerHealth.liveness(l.state(), closing.getAsBoolean());
        })
        .liveness("grpc-executor", List.of(grpcExecutor));
  }
}
