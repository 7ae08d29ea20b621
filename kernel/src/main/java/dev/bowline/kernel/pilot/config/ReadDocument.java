package dev.bowline.kernel.pilot.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One document of a text as {@link ConfigReader} read it: what it names, as far as that could be
 * read, its spec bound to the kind's type, and the problems that kept it from being read.
 * Immutable.
 *
 * @param document where it came from, such as {@code reviews.yaml (document 2)}
 * @param kind the {@code kind} as written, or null
 * @param name {@code metadata.name} as written, or null
 * @param key the resource it names, or null when kind, name or namespace are missing or invalid
 * @param apiVersion the {@code apiVersion} as written, or null
 * @param labels {@code metadata.labels}
 * @param annotations {@code metadata.annotations}
 * @param spec the spec bound to {@code key.kind().specType()}, or null when it could not be
 * @param rawSpec the spec as written, or null when absent
 * @param errors why it cannot be accepted; empty when it was read cleanly
 */
record ReadDocument(
    String document,
    String kind,
    String name,
    ConfigKey key,
    String apiVersion,
    Map<String, String> labels,
    Map<String, String> annotations,
    Object spec,
    JsonNode rawSpec,
    List<Problem> errors) {

  ReadDocument {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    errors = List.copyOf(errors);
  }

  /** Whether it was read cleanly: identified, with a bound spec and no errors. */
  boolean readable() {
    return errors.isEmpty() && key != null && spec != null;
  }
}
