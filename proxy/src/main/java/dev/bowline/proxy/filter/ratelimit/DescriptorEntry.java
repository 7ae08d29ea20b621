package dev.bowline.proxy.filter.ratelimit;

import java.util.Objects;

/**
 * One entry of a rate limit descriptor, {@code key: value}. In a configured descriptor an empty
 * value is a wildcard: it matches any value, and each distinct value gets a bucket of its own.
 *
 * @param key the descriptor key, such as {@code remote_address}
 * @param value the value; in a configured descriptor, empty for any
 */
public record DescriptorEntry(String key, String value) {

  public DescriptorEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
