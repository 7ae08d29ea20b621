package dev.bowline.kernel.pilot.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the errors and warnings found while checking one document. Not thread-safe: one
 * instance per check.
 */
final class Validation {

  /** The warning every accepted-but-not-applied field gets. */
  static final String NOT_APPLIED = "not applied by Bowline yet (accepted and stored)";

  private final List<Problem> errors = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();

  void error(String path, String message) {
    errors.add(new Problem(path, message));
  }

  void warn(String path, String message) {
    warnings.add(new Problem(path, message));
  }

  /** Warns that the field at {@code path} is stored but not applied. */
  void notApplied(String path) {
    warn(path, NOT_APPLIED);
  }

  /** Warns that the field at {@code path} is stored but not applied, and why. */
  void notApplied(String path, String why) {
    warn(path, NOT_APPLIED + ": " + why);
  }

  void addErrors(List<Problem> problems) {
    errors.addAll(problems);
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  List<Problem> errors() {
    return List.copyOf(errors);
  }

  List<Problem> warnings() {
    return List.copyOf(warnings);
  }
}
