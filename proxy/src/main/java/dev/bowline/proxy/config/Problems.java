package dev.bowline.proxy.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects configuration problems, each as {@code path: message}, so that a translation reports
 * every problem at once. Not thread-safe: one instance per translation.
 */
final class Problems {

  private final List<String> list = new ArrayList<>();

  /** Adds a problem about the field at {@code path}. */
  void add(String path, String message) {
    list.add(path.isEmpty() ? message : path + ": " + message);
  }

  /** Adds the problems of a failed nested translation. */
  void addAll(ConfigException e) {
    list.addAll(e.problems());
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  /** How many problems so far (to tell whether a step added any). */
  int size() {
    return list.size();
  }

  /** The problems so far, in order. */
  List<String> list() {
    return List.copyOf(list);
  }

  /** Throws a {@link ConfigException} holding every problem, if there is any. */
  void throwIfAny() throws ConfigException {
    if (!list.isEmpty()) {
      throw new ConfigException(list);
    }
  }

  /** {@code path.field}, or {@code field} when the path is empty. */
  static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** {@code path[index]}. */
  static String index(String path, int index) {
    return path + "[" + index + "]";
  }

  /** {@code path["key"]}, the path of a map entry. */
  static String key(String path, String key) {
    return path + "[\"" + key + "\"]";
  }
}
