package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.DeliveryStatus;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converter of {@code --status}: a delivery status by its short name, case-insensitively,
 * with or without the {@code DELIVERY_STATUS_} prefix ({@code failed}, {@code PENDING}, {@code
 * DELIVERY_STATUS_EXPIRED}). An unknown name is a usage error (exit code 2) naming the option and
 * listing the valid names.
 */
final class DeliveryStatusConverter implements ITypeConverter<DeliveryStatus> {
  static final String PREFIX = "DELIVERY_STATUS_";

  @Override
  public DeliveryStatus convert(String value) {
    String name = value.strip().toUpperCase(Locale.ROOT);
    if (!name.startsWith(PREFIX)) {
      name = PREFIX + name;
    }
    for (DeliveryStatus status : DeliveryStatus.values()) {
      if (isSelectable(status) && status.name().equals(name)) {
        return status;
      }
    }
    throw new TypeConversionException(
        "'" + value + "' is not a delivery status (expected one of: " + validNames() + ")");
  }

  /** The names {@code --status} accepts, lowercase, comma-separated. */
  static String validNames() {
    return Arrays.stream(DeliveryStatus.values())
        .filter(DeliveryStatusConverter::isSelectable)
        .map(s -> s.name().substring(PREFIX.length()).toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }

  private static boolean isSelectable(DeliveryStatus status) {
    return status != DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED
        && status != DeliveryStatus.UNRECOGNIZED;
  }
}
