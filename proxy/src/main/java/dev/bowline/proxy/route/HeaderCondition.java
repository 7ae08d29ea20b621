package dev.bowline.proxy.route;

/**
 * A compiled Envoy {@code HeaderMatcher}, with Envoy's semantics ({@code
 * HeaderUtility::matchHeaders}):
 *
 * <ul>
 *   <li>a header sent several times is matched as its values joined with {@code ","};
 *   <li>an absent header matches only a presence matcher asking for absence ({@code present_match:
 *       false}, or {@code present_match: true} inverted), whatever {@code invert_match} says about
 *       value matchers, unless {@code treat_missing_header_as_empty} makes it the empty string;
 *   <li>otherwise {@code invert_match} inverts the result.
 * </ul>
 */
final class HeaderCondition {

  private final String name;
  private final RequestField field;
  /** {@code null} for a presence matcher. */
  private final StringCondition value;
  private final boolean present;
  private final boolean invert;
  private final boolean missingAsEmpty;

  private HeaderCondition(
      String name, StringCondition value, boolean present, boolean invert, boolean missingAsEmpty) {
    this.name = name;
    this.field = RequestField.of(name);
    this.value = value;
    this.present = present;
    this.invert = invert;
    this.missingAsEmpty = missingAsEmpty;
  }

  /** Matches the header's value against {@code value}. */
  static HeaderCondition value(
      String lowercaseName, StringCondition value, boolean invert, boolean missingAsEmpty) {
    return new HeaderCondition(lowercaseName, value, false, invert, missingAsEmpty);
  }

  /** Matches the header's presence ({@code present} true) or absence. */
  static HeaderCondition presence(
      String lowercaseName, boolean present, boolean invert, boolean missingAsEmpty) {
    return new HeaderCondition(lowercaseName, null, present, invert, missingAsEmpty);
  }

  boolean matches(RequestView request) {
    String actual = field.read(request, name);
    if (actual == null) {
      if (!missingAsEmpty) {
        return value == null && (invert ? present : !present);
      }
      actual = "";
    }
    boolean match = value == null ? present : value.matches(actual);
    return match != invert;
  }

  @Override
  public String toString() {
    return name + (invert ? " !" : " ") + (value == null ? "present=" + present : value.toString());
  }
}
