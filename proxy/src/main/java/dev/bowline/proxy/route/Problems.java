package dev.bowline.proxy.route;

import dev.bowline.proxy.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems found while compiling a route configuration, each prefixed with the path of its
 * field ({@code route_config.virtual_hosts[1].routes[0].match.safe_regex.regex: invalid RE2: ...}).
 * Compilation goes on after a problem so that the operator sees all of them at once.
 */
final class Problems {

  private final List<String> problems = new ArrayList<>();

  /** The path of field {@code name} of the message at {@code parent}. */
  static String field(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  /** The path of element {@code index} of the repeated field at {@code parent}. */
  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  void add(String path, String message) {
    problems.add(path + ": " + message);
  }

  /** How many problems were found so far; compare before and after a step to see if it failed. */
  int count() {
    return problems.size();
  }

  void throwIfAny() throws ConfigException {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}
