package io.posrelay.v1.kafka;


/**
 * The names of POS Relay's topics in one deployment (each configurable); the defaults are {@link
 * Topics}'.
 *
 * @param results PaymentResult events
 * @param claims DeliveryClaim events; co-partitioned with {@code results}
 * @param sessions TerminalSession events, compacted
 * @param deliveryEvents the ledger's DeliveryEvent transitions
 * @param receiptsDlq receipts to ILK that were refused or outlived their retry age
 */
public record TopicNames(String results, String claims, String sessions, String deliveryEvents,
    String receiptsDlq) {
  /** The default names. */
  public static final TopicNames DEFAULT = new TopicNames(Topics.RESULTS, Topics.CLAIMS,
      Topics.SESSIONS, Topics.DELIVERY_EVENTS, Topics.RECEIPTS_DLQ);

  /** The four event topics named, the receipts' dead-letter topic by default. */
  public TopicNames(String results, String claims, String sessions, String deliveryEvents) {
    this(results, claims, sessions, deliveryEvents, Topics.RECEIPTS_DLQ);
  }
}
