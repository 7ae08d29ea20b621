package dev.bowline.kernel.pilot.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What became of one document given to {@link ConfigStore#apply} or {@link ConfigStore#validate}:
 * the resource it named, the action taken (or that would be taken, for a dry run), its errors and
 * its warnings. Immutable.
 *
 * @param key the resource, or null when the document could not even be identified
 * @param kind the {@code kind} as written, or null when absent
 * @param name {@code metadata.name} as written, or null when absent
 * @param action what was done
 * @param errors why the document was rejected; empty unless {@code action} is REJECTED
 * @param warnings what was accepted but is not applied, or looks wrong; given whatever the action
 * @param document where the document came from, such as {@code reviews.yaml (document 2)}
 */
public record ApplyOutcome(
    ConfigKey key,
    String kind,
    String name,
    Action action,
    List<Problem> errors,
    List<Problem> warnings,
    String document) {

  /** What an apply did to one resource, with kubectl's words. */
  public enum Action {
    /** The resource did not exist and now does. */
    CREATED,
    /** The resource existed and its spec, labels or annotations changed. */
    CONFIGURED,
    /** The resource existed with the same spec, labels and annotations. */
    UNCHANGED,
    /** The document was refused; nothing changed. */
    REJECTED;

    /** The lower-case past participle: {@code created}, {@code configured}, ... */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ApplyOutcome {
    Objects.requireNonNull(action, "action");
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(document, "document");
  }

  /** Whether the document was refused. */
  public boolean rejected() {
    return action == Action.REJECTED;
  }

  /**
   * How messages name the resource: {@code VirtualService default/reviews}, or for a document that
   * could not be identified, what is known of it and where it came from.
   */
  public String subject() {
    if (key != null) {
      return key.kind().kind() + " " + key.namespace() + "/" + key.name();
    }
    if (kind != null && name != null) {
      return kind + " " + name + " in " + document;
    }
    if (kind != null) {
      return kind + " in " + document;
    }
    return document;
  }

  /** Each error as an operator reads it: {@code VirtualService default/reviews: spec.hosts: ...}. */
  public List<String> errorMessages() {
    return errors.stream().map(p -> subject() + ": " + p).toList();
  }

  /** Each warning as an operator reads it. */
  public List<String> warningMessages() {
    return warnings.stream().map(p -> subject() + ": " + p).toList();
  }

  /** One line in kubectl's manner: {@code VirtualService default/reviews configured}. */
  public String summary() {
    return subject() + " " + action.word();
  }
}
