package dev.bowline.kernel.pilot.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a text ({@link ConfigReader}) and checks each cleanly read document ({@link
 * ConfigValidator}): the whole of what "is this valid?" means for one document, without regard to
 * what is already stored. Stateless and thread-safe.
 */
final class ConfigChecker {

  /** One document with all its errors and warnings. */
  record Checked(ReadDocument read, List<Problem> errors, List<Problem> warnings) {
    Checked {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }

    boolean valid() {
      return errors.isEmpty();
    }

    ConfigKey key() {
      return read.key();
    }
  }

  /** The checked documents of a text, or the syntax error that kept it from being read. */
  record Result(List<Checked> documents, Optional<Problem> syntaxError) {
    Result {
      documents = List.copyOf(documents);
    }
  }

  private ConfigChecker() {}

  static Result check(String documentName, String text) {
    ConfigReader.Result read = ConfigReader.read(documentName, text);
    if (read.syntaxError().isPresent()) {
      return new Result(List.of(), read.syntaxError());
    }
    List<Checked> out = new ArrayList<>();
    for (ReadDocument doc : read.documents()) {
      if (doc.readable()) {
        Validation v = ConfigValidator.validate(doc);
        out.add(new Checked(doc, v.errors(), v.warnings()));
      } else {
        out.add(new Checked(doc, doc.errors(), List.of()));
      }
    }
    return new Result(out, Optional.empty());
  }
}
