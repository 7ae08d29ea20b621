package dev.bowline.spi.filter;

import java.util.List;
import java.util.Set;

/**
 * A mutable view of HTTP headers, with names compared case-insensitively (HTTP/2 and HTTP/3 use
 * lowercase names; Bowline presents them lowercase). Pseudo-headers such as {@code :path} are not
 * in this view: see {@link HttpRequestHead}.
 *
 * <p><b>Threading.</b> Not thread-safe: use only inside a filter hook, on the event loop.
 */
public interface HttpHeaders {

  /** The first value of {@code name}, or {@code null}. */
  String get(String name);

  /** Every value of {@code name}, in order; empty when absent. */
  List<String> getAll(String name);

  /** Whether {@code name} is present. */
  default boolean contains(String name) {
    return get(name) != null;
  }

  /** Replaces all values of {@code name} with {@code value}. */
  void set(String name, String value);

  /** Adds a value to {@code name}, keeping the existing ones. */
  void add(String name, String value);

  /** Removes every value of {@code name}. */
  void remove(String name);

  /** The names present, lowercase. */
  Set<String> names();
}
