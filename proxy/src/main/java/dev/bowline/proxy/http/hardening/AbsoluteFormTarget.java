package dev.bowline.proxy.http.hardening;

/**
 * An absolute-form request-target ({@code http://host:port/path?query}, RFC 9112 §3.2.2) split
 * into what the proxy needs: whether the scheme is https, the authority that replaces the Host
 * header, and the origin-form rest that goes through {@link PathNormalizer}.
 *
 * @param https whether the scheme is {@code https} (else {@code http})
 * @param authority the authority, not yet validated (see {@link HostAuthority})
 * @param originForm the path and query, {@code /} when the target has no path
 */
record AbsoluteFormTarget(boolean https, String authority, String originForm) {

  private static final String HTTP = "http://";
  private static final String HTTPS = "https://";

  /**
   * Splits {@code target}, or returns {@code null} when it is not an absolute-form target with an
   * {@code http} or {@code https} scheme (compared case-insensitively).
   */
  static AbsoluteFormTarget parse(String target) {
    boolean https;
    int authorityStart;
    if (target.regionMatches(true, 0, HTTP, 0, HTTP.length())) {
      https = false;
      authorityStart = HTTP.length();
    } else if (target.regionMatches(true, 0, HTTPS, 0, HTTPS.length())) {
      https = true;
      authorityStart = HTTPS.length();
    } else {
      return null;
    }
    int authorityEnd = authorityStart;
    while (authorityEnd < target.length()) {
      char c = target.charAt(authorityEnd);
      if (c == '/' || c == '?' || c == '#') {
        break;
      }
      authorityEnd++;
    }
    String rest = target.substring(authorityEnd);
    String originForm = rest.startsWith("/") ? rest : "/" + rest;
    return new AbsoluteFormTarget(https, target.substring(authorityStart, authorityEnd), originForm);
  }
}
