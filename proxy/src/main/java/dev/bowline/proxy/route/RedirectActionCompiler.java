package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
/** Compiles a route's {@code redirect} action into a {@link RedirectAction}. */
final class RedirectActionCompiler {

  private static final FieldAllowlist REDIRECT_ACTION =
      FieldAllowlist.of(
          io.envoyproxy.envoy.config.route.v3.RedirectAction.getDescriptor(),
          "https_redirect",
          "scheme_redirect",
          "host_redirect",
          "port_redirect",
          "path_redirect",
          "prefix_rewrite",
          "regex_rewrite",
          "response_code",
          "strip_query");

  private final Problems problems;
  private final PathRewriteCompiler rewrites;

  RedirectActionCompiler(Problems problems, PathRewriteCompiler rewrites) {
    this.problems = problems;
    this.rewrites = rewrites;
  }

  /**
   * The action, or {@code null} if it has a problem (reported).
   *
   * @param matcher the route's path matcher, for {@code prefix_rewrite}; {@code null} if the match
   *     had a problem
   */
  RedirectAction compile(
      io.envoyproxy.envoy.config.route.v3.RedirectAction redirect,
      String path,
      PathMatcher matcher) {
    int before = problems.size();
    REDIRECT_ACTION.check(redirect, path, problems);
    String scheme = null;
    switch (redirect.getSchemeRewriteSpecifierCase()) {
      case HTTPS_REDIRECT:
        scheme = redirect.getHttpsRedirect() ? "https" : null;
        break;
      case SCHEME_REDIRECT:
        scheme = schemeRedirect(redirect.getSchemeRedirect(), Problems.join(path, "scheme_redirect"));
        break;
      default:
        break;
    }
    String host = redirect.getHostRedirect().isEmpty() ? null : redirect.getHostRedirect();
    int port = redirect.getPortRedirect();
    if (port < 0 || port > 65535) {
      problems.add(Problems.join(path, "port_redirect"), "must be a port number (1 to 65535)");
    }
    String pathRedirect = null;
    PathRewrite rewrite = PathRewrite.NONE;
    switch (redirect.getPathRewriteSpecifierCase()) {
      case PATH_REDIRECT:
        pathRedirect = redirect.getPathRedirect().isEmpty() ? null : redirect.getPathRedirect();
        break;
      case PREFIX_REWRITE:
        rewrite = rewrites.prefix(redirect.getPrefixRewrite(), matcher);
        break;
      case REGEX_REWRITE:
        rewrite = rewrites.regex(redirect.getRegexRewrite(), Problems.join(path, "regex_rewrite"));
        break;
      default:
        break;
    }
    int responseCode = responseCode(redirect, path);
    if (problems.size() != before) {
      return null;
    }
    return new RedirectAction(
        scheme, host, port, pathRedirect, rewrite, redirect.getStripQuery(), responseCode);
  }

  private String schemeRedirect(String scheme, String path) {
    if (scheme.isEmpty()) {
      return null;
    }
    String lower = Ascii.toLowerCase(scheme);
    boolean valid = lower.charAt(0) >= 'a' && lower.charAt(0) <= 'z';
    for (int i = 1; i < lower.length() && valid; i++) {
      char c = lower.charAt(i);
      valid = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    }
    if (!valid) {
      problems.add(path, "invalid scheme \"" + scheme + "\"");
      return null;
    }
    return lower;
  }

  private int responseCode(io.envoyproxy.envoy.config.route.v3.RedirectAction redirect, String path) {
    switch (redirect.getResponseCode()) {
      case MOVED_PERMANENTLY:
        return 301;
      case FOUND:
        return 302;
      case SEE_OTHER:
        return 303;
      case TEMPORARY_REDIRECT:
        return 307;
      case PERMANENT_REDIRECT:
        return 308;
      default:
        problems.add(Problems.join(path, "response_code"), "unknown value");
        return 0;
    }
  }
}
