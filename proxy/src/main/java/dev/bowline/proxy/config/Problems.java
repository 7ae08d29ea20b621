package dev.bowline.proxy.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects configuration problems, each as {@code path: message}, so that a translation reports
 * every problem at once. Used by the config translators and the route compiler alike.
 *
 * <p>Not thread-safe: one instance per translation.
 */
public final class Problems {

  private final List<String> list = new ArrayList<>();

  /** Adds a problem about the field at {@code path}. */
  public void add(String path, String message) {
    list.add(path.isEmpty() ? message : path + ": " + message);
  }

  /** Adds the problems of a failed nested translation. */
  public void addAll(ConfigException e) {
    list.addAll(e.problems());
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  /** How many problems so far (to tell whether a step added any). */
  public int size() {
    return list.size();
  }

  /** The problems so far, in order. */
  public List<String> list() {
    return List.copyOf(list);
  }

  /** Throws a {@link ConfigException} holding every problem, if there is any. */
  public void throwIfAny() throws ConfigException {
    if (!list.isEmpty()) {
      throw new ConfigException(list);
    }
  }

  /** {@code path.field}, or {@code field} when the path is empty. */
  public static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** {@code path[index]}. */
  public static String index(String path, int index) {
    return path + "[" + index + "]";
  }

  /** {@code path["key"]}, the path of a map entry. */
  public static String key(String path, String key) {
    return path + "[\"" + key + "\"]";
  }
}
