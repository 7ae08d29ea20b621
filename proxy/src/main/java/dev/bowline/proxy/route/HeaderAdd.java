package dev.bowline.proxy.route;

/**
 * One compiled {@code HeaderValueOption}: a header to add, with Envoy's append action and empty
 * value rule.
 */
final class HeaderAdd {

  /** Envoy's {@code HeaderValueOption.HeaderAppendAction}. */
  enum AppendAction {
    /** Adds the value, keeping existing ones (Envoy's default). */
    APPEND_IF_EXISTS_OR_ADD,
    /** Adds the value only if the header is absent. */
    ADD_IF_ABSENT,
    /** Replaces existing values, or adds the value if the header is absent. */
    OVERWRITE_IF_EXISTS_OR_ADD,
    /** Replaces existing values; does nothing if the header is absent. */
    OVERWRITE_IF_EXISTS
  }

  final String name;
  final HeaderValueFormat value;
  final AppendAction action;
  final boolean keepEmptyValue;

  HeaderAdd(String name, HeaderValueFormat value, AppendAction action, boolean keepEmptyValue) {
    this.name = name;
    this.value = value;
    this.action = action;
    this.keepEmptyValue = keepEmptyValue;
  }

  @Override
  public String toString() {
    return action + " " + name + ": " + value + (keepEmptyValue ? " (keep empty)" : "");
  }
}
