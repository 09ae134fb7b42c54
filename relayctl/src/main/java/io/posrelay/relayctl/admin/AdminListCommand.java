package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code relayctl admin list}: deliveries newest first, as a table or JSON lines. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Deliveries newest first (ListDeliveries), as a table: RESULT_ID, TERMINAL, STATUS, REASON,"
          + " NODE, RECEIVED_AT, AMOUNT; with --json one Delivery per line.",
      "One page unless --all; the token of the next page is printed on stderr.",
      "e.g.  relayctl admin list --status failed --since 1h",
      "      relayctl admin list --status reversal_required --since 1d"
    })
final class AdminListCommand implements Callable<Integer> {
  /** --all stops after this many pages (and says how to continue). */
  static final int MAX_PAGES = 100;

  static final int MAX_PAGE_SIZE = 1000;

  @Mixin AdminOptions options = new AdminOptions();

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      split = ",",
      converter = DeliveryStatusConverter.class,
      description = "Only these statuses (repeat or comma-separate; any case, no prefix needed):"
          + " pending, delivering, delivered, failed, expired, reversal_required. Default: all.")
  List<DeliveryStatus> statuses = new ArrayList<>();

  @Option(names = "--terminal", paramLabel = "TID", description = "Only this terminal.")
  String terminal = "";

  @Option(names = "--merchant", paramLabel = "MID", description = "Only this merchant.")
  String merchant = "";

  @Option(names = "--transaction", paramLabel = "TX",
      description = "Only the delivery of this ILK transaction id.")
  String transaction = "";

  @Option(names = "--order", paramLabel = "ORDER_ID",
      description = "Only deliveries of this merchant order reference.")
  String order = "";

  @Option(
      names = "--since",
      paramLabel = "TIME",
      converter = TimeArgumentConverter.class,
      description = "Only deliveries received at or after TIME: ISO-8601"
          + " (2026-11-29T03:00:00Z, 2026-11-29T12:00:00+09:00) or an age (15m, 2h, 1d).")
  @Nullable Instant since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      converter = TimeArgumentConverter.class,
      description = "Only deliveries received before TIME (same forms as --since).")
  @Nullable Instant until;

  @Option(
      names = "--page-size",
      paramLabel = "N",
      defaultValue = "50",
      description = "Deliveries per page, 1..1000 (default: ${DEFAULT-VALUE}).")
  int pageSize;

  @Option(
      names = "--page-token",
      paramLabel = "TOKEN",
      description = "Start at this page (the token a previous list printed); same filters only.")
  String pageToken = "";

  @Option(
      names = "--all",
      description = "Follow the next-page tokens: every matching delivery (at most "
          + MAX_PAGES + " pages).")
  boolean all;

  @Override
  public Integer call() {
    ListDeliveriesRequest firstPage = request();
    return options.run((admin, out) -> {
      List<Delivery> table = new ArrayList<>();
      ListDeliveriesRequest request = firstPage;
      String next = "";
      int pages = 0;
      do {
        ListDeliveriesResponse response = admin.unary().listDeliveries(request);
        pages++;
        if (options.json) {
          response.getDeliveriesList().forEach(d -> JsonLines.print(d, out));
          out.flush();
        } else {
          table.addAll(response.getDeliveriesList());
        }
        next = response.getNextPageToken();
        request = request.toBuilder().setPageToken(next).build();
      } while (all && !next.isEmpty() && pages < MAX_PAGES);
      if (!options.json) {
        if (table.isEmpty()) {
          options.err().println("no deliveries match");
        } else {
          DeliveryTable.print(table, out);
        }
      }
      out.flush();
      printNextPageHint(next, pages, options.err());
      return 0;
    });
  }

  private ListDeliveriesRequest request() {
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw options.usageError(
          "--page-size: " + pageSize + " (expected: 1.." + MAX_PAGE_SIZE + ")");
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw options.usageError(
          "--since: " + since + " (expected: before --until " + until + ")");
    }
    ListDeliveriesRequest.Builder request = ListDeliveriesRequest.newBuilder()
        .addAllStatuses(statuses)
        .setTerminalId(terminal.strip())
        .setMerchantId(merchant.strip())
        .setTransactionId(transaction.strip())
        .setOrderId(order.strip())
        .setPageSize(pageSize)
        .setPageToken(pageToken.strip());
    if (since != null) {
      request.setReceivedAfter(LedgerText.timestamp(since));
    }
    if (until != null) {
      request.setReceivedBefore(LedgerText.timestamp(until));
    }
    return request.build();
  }

  private void printNextPageHint(String next, int pages, PrintWriter err) {
    if (next.isEmpty()) {
      return;
    }
    if (all) {
      err.println("stopped after " + pages + " pages; continue with --page-token " + next);
    } else {
      err.println("more deliveries: --page-token " + next + " for the next page, or --all");
    }
  }
}
