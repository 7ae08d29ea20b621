package dev.bowline.kernel.pilot.istio;

import java.util.List;
import java.util.Map;

/** Istio's {@code Headers}: manipulations of the request and of the response. */
public record Headers(HeaderOperations request, HeaderOperations response) {

  /**
   * Istio's {@code HeaderOperations}: {@code set} overwrites, {@code add} appends, {@code remove}
   * deletes, applied in that order.
   */
  public record HeaderOperations(
      Map<String, String> set, Map<String, String> add, List<String> remove) {
    public HeaderOperations {
      set = set == null ? Map.of() : Map.copyOf(set);
      add = add == null ? Map.of() : Map.copyOf(add);
      remove = remove == null ? List.of() : List.copyOf(remove);
    }
  }
}
