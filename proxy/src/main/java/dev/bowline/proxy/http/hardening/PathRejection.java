package dev.bowline.proxy.http.hardening;

/**
 * Why {@link PathNormalizer} refused a request-target. Every rejection is answered with {@code 400
 * Bad Request}; {@link #details()} is the short, stable string meant for access logs and stats (in
 * the spirit of Envoy's response code details).
 */
public enum PathRejection {
  /** The target is empty, or neither origin-form ({@code /...}) nor {@code *}. */
  NOT_ORIGIN_FORM("path_not_origin_form"),
  /** {@code *} (asterisk-form) on a method other than {@code OPTIONS}. */
  ASTERISK_FORM_NOT_ALLOWED("path_asterisk_form_not_allowed"),
  /** A control character, space, DEL or a raw non-ASCII byte anywhere in the target. */
  INVALID_CHARACTER("path_invalid_character"),
  /** A raw backslash in the path (some servers read it as {@code /}). */
  BACKSLASH("path_backslash"),
  /** A {@code #}: a fragment never belongs in a request-target. */
  FRAGMENT("path_with_fragment"),
  /** A {@code %} not followed by two hexadecimal digits, in the path. */
  INVALID_PERCENT_ENCODING("path_invalid_percent_encoding"),
  /** {@code %2F} or {@code %5C} in the path while the action is {@code REJECT_REQUEST}. */
  ESCAPED_SLASH("path_escaped_slash");

  private final String details;

  PathRejection(String details) {
    this.details = details;
  }

  /** A short, stable identifier of the reason, for access logs and stats. */
  public String details() {
    return details;
  }
}
