package dev.bowline.kernel.pilot.istio;

import java.util.List;

/** Null-to-empty copying for the records of this package (Jackson passes null for absent lists). */
final class Lists {

  private Lists() {}

  static <T> List<T> of(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
