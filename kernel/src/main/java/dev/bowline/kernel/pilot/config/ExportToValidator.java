package dev.bowline.kernel.pilot.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks an {@code exportTo} list as Istio does ({@code .} for the own namespace, {@code *} for
 * all, namespace names, {@code ~} for no one on ServiceEntries) and, for the kinds whose export
 * Pilot does not apply yet (all but VirtualServices), warns that every resource is visible in
 * every namespace. Stateless.
 */
final class ExportToValidator {

  private ExportToValidator() {}

  static void check(List<String> exportTo, String namespace, String path, boolean serviceEntry, Validation v) {
    check(exportTo, namespace, path, serviceEntry, false, v);
  }

  /** As {@link #check(List, String, String, boolean, Validation)}, for a kind whose export Pilot applies. */
  static void check(List<String> exportTo, String namespace, String path, boolean serviceEntry,
      boolean applied, Validation v) {
    if (exportTo.isEmpty()) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < exportTo.size(); i++) {
      String e = exportTo.get(i);
      String at = FieldPaths.index(path, i);
      boolean valid = e.equals(".") || e.equals("*") || (serviceEntry && e.equals("~"))
          || KubernetesNames.isDnsLabel(e);
      if (!valid) {
        v.error(at, "\"" + e + "\" is not \".\", \"*\"" + (serviceEntry ? ", \"~\"" : "") + " or a namespace");
        continue;
      }
      String normalized = e.equals(".") ? namespace : e;
      if (!seen.add(normalized)) {
        v.error(at, "duplicate entry \"" + e + "\"");
      }
    }
    for (String alone : new String[] {"*", "~"}) {
      if (seen.contains(alone) && exportTo.size() > 1) {
        v.error(path, "\"" + alone + "\" cannot be combined with other entries");
      }
    }
    if (!applied) {
      v.notApplied(path, "every resource is visible in every namespace");
    }
  }
}
