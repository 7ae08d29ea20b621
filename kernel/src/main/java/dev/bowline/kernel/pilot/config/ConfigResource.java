package dev.bowline.kernel.pilot.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * One accepted resource: its key, the {@code apiVersion} it was written with, its metadata labels
 * and annotations,
 * its spec read into {@link ConfigKind#specType()}, the spec as written (for {@code get -o yaml}
 * and persistence) and the store revision at which it last changed.
 *
 * @param <T> the spec type
 * @param annotations {@code metadata.annotations}; Bowline's extensions ({@link
 *     BowlineAnnotations}) are read from here, other annotations are kept and ignored
 * @param source where it came from: {@code file:<path>} or {@code api}
 */
public record ConfigResource<T>(
    ConfigKey key,
    String apiVersion,
    Map<String, String> labels,
    Map<String, String> annotations,
    T spec,
    JsonNode rawSpec,
    long revision,
    String source) {

  public ConfigResource {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(apiVersion, "apiVersion");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(rawSpec, "rawSpec");
    Objects.requireNonNull(source, "source");
  }

  /** A resource without annotations. */
  public ConfigResource(
      ConfigKey key,
      String apiVersion,
      Map<String, String> labels,
      T spec,
      JsonNode rawSpec,
      long revision,
      String source) {
    this(key, apiVersion, labels, Map.of(), spec, rawSpec, revision, source);
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
