package dev.bowline.kernel.pilot.config;

import java.util.List;

/** Runs the full document check on YAML and lists the problems as {@code path: message} lines. */
final class CheckedYaml {

  private CheckedYaml() {}

  static ConfigChecker.Checked single(String yaml) {
    ConfigChecker.Result r = ConfigChecker.check("test.yaml", yaml);
    if (r.syntaxError().isPresent()) {
      throw new AssertionError("not YAML: " + r.syntaxError().get());
    }
    if (r.documents().size() != 1) {
      throw new AssertionError("expected one document, got " + r.documents().size());
    }
    return r.documents().get(0);
  }

  static List<String> errors(String yaml) {
    return single(yaml).errors().stream().map(Problem::toString).toList();
  }

  static List<String> warnings(String yaml) {
    return single(yaml).warnings().stream().map(Problem::toString).toList();
  }

  /** A VirtualService named {@code test} whose spec is {@code spec} (indented by two). */
  static String virtualService(String spec) {
    return resource("networking.istio.io/v1", "VirtualService", spec);
  }

  static String resource(String apiVersion, String kind, String spec) {
    return "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata:\n  name: test\nspec:\n"
        + spec.stripIndent().lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
  }
}
