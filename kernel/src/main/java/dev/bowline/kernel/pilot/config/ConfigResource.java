package dev.bowline.kernel.pilot.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * One accepted resource: its key, the {@code apiVersion} it was written with, its metadata labels,
 * its spec read into {@link ConfigKind#specType()}, the spec as written (for {@code get -o yaml}
 * and persistence) and the store revision at which it last changed.
 *
 * @param <T> the spec type
 * @param source where it came from: {@code file:<path>} or {@code api}
 */
public record ConfigResource<T>(
    ConfigKey key,
    String apiVersion,
    Map<String, String> labels,
    T spec,
    JsonNode rawSpec,
    long revision,
    String source) {

  public ConfigResource {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(apiVersion, "apiVersion");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(rawSpec, "rawSpec");
    Objects.requireNonNull(source, "source");
  }

  /** The resource's namespace. */
  public String namespace() {
    return key.namespace();
  }

  /** The resource's name. */
  public String name() {
    return key.name();
  }
}
