package dev.bowline.spi.model;

import java.util.Objects;

/**
 * Where a workload runs, from widest to narrowest, as Envoy's locality. Any part may be empty;
 * Istio writes it as {@code region/zone/subzone}.
 *
 * @param region the region, such as {@code us-east1}
 * @param zone the zone within the region
 * @param subzone the subzone within the zone
 */
public record Locality(String region, String zone, String subzone) {

  /** No locality known. */
  public static final Locality UNKNOWN = new Locality("", "", "");

  public Locality {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(subzone, "subzone");
  }

  /** Parses Istio's {@code region/zone/subzone} form; missing parts are empty. */
  public static Locality parse(String text) {
    if (text == null || text.isBlank()) {
      return UNKNOWN;
    }
    String[] parts = text.split("/", -1);
    if (parts.length > 3) {
      throw new IllegalArgumentException(
          "locality '" + text + "' has more than three parts (region/zone/subzone)");
    }
    return new Locality(parts[0], parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "");
  }

  @Override
  public String toString() {
    return region + "/" + zone + "/" + subzone;
  }
}
