package dev.bowline.proxy.route;

import com.google.re2j.Pattern;
import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a route action's {@code hash_policy} list into a {@link HashPolicy}. Supported: {@code
 * header} ({@code header_name}, {@code regex_rewrite}), {@code cookie} ({@code name}, {@code ttl},
 * {@code path}, {@code attributes}), {@code connection_properties} ({@code source_ip}), {@code
 * query_parameter} ({@code name}) and {@code terminal}; {@code filter_state} is refused.
 */
final class HashPolicyCompiler {

  private static final FieldAllowlist HASH_POLICY =
      FieldAllowlist.of(
          RouteAction.HashPolicy.getDescriptor(),
          "header",
          "cookie",
          "connection_properties",
          "query_parameter",
          "terminal");
  private static final FieldAllowlist HEADER =
      FieldAllowlist.of(RouteAction.HashPolicy.Header.getDescriptor(), "header_name", "regex_rewrite");
  private static final FieldAllowlist COOKIE =
      FieldAllowlist.of(
          RouteAction.HashPolicy.Cookie.getDescriptor(), "name", "ttl", "path", "attributes");
  private static final FieldAllowlist COOKIE_ATTRIBUTE =
      FieldAllowlist.of(RouteAction.HashPolicy.CookieAttribute.getDescriptor(), "name", "value");
  private static final FieldAllowlist CONNECTION_PROPERTIES =
      FieldAllowlist.of(RouteAction.HashPolicy.ConnectionProperties.getDescriptor(), "source_ip");
  private static final FieldAllowlist QUERY_PARAMETER =
      FieldAllowlist.of(RouteAction.HashPolicy.QueryParameter.getDescriptor(), "name");
  private static final FieldAllowlist REGEX_MATCH_AND_SUBSTITUTE =
      FieldAllowlist.of(RegexMatchAndSubstitute.getDescriptor(), "pattern", "substitution");

  private final Problems problems;
  private final StringMatcherCompiler strings;

  HashPolicyCompiler(Problems problems, StringMatcherCompiler strings) {
    this.problems = problems;
    this.strings = strings;
  }

  /** The policy ({@link HashPolicy#NONE} for an empty list), or {@code null} after a problem. */
  HashPolicy compile(List<RouteAction.HashPolicy> policies, String path) {
    if (policies.isEmpty()) {
      return HashPolicy.NONE;
    }
    int before = problems.size();
    List<HashPolicy.Method> methods = new ArrayList<>();
    List<Boolean> terminal = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      RouteAction.HashPolicy policy = policies.get(i);
      String at = Problems.index(path, i);
      HASH_POLICY.check(policy, at, problems);
      HashPolicy.Method method = method(policy, at);
      if (method != null) {
        methods.add(method);
        terminal.add(policy.getTerminal());
      }
    }
    if (problems.size() != before) {
      return null;
    }
    boolean[] flags = new boolean[terminal.size()];
    for (int i = 0; i < flags.length; i++) {
      flags[i] = terminal.get(i);
    }
    return methods.isEmpty() ? HashPolicy.NONE : new HashPolicy(methods, flags);
  }

  /**
   * The entry's method; {@code null} when it has a problem (reported) or produces nothing ({@code
   * source_ip: false}, as Envoy).
   */
  private HashPolicy.Method method(RouteAction.HashPolicy policy, String path) {
    switch (policy.getPolicySpecifierCase()) {
      case HEADER:
        return header(policy.getHeader(), Problems.join(path, "header"));
      case COOKIE:
        return cookie(policy.getCookie(), Problems.join(path, "cookie"));
      case CONNECTION_PROPERTIES:
        CONNECTION_PROPERTIES.check(
            policy.getConnectionProperties(), Problems.join(path, "connection_properties"), problems);
        return policy.getConnectionProperties().getSourceIp() ? new HashPolicy.SourceIpHash() : null;
      case QUERY_PARAMETER:
        String queryPath = Problems.join(path, "query_parameter");
        QUERY_PARAMETER.check(policy.getQueryParameter(), queryPath, problems);
        String name = policy.getQueryParameter().getName();
        if (name.isEmpty()) {
          problems.add(Problems.join(queryPath, "name"), "required");
          return null;
        }
        return new HashPolicy.QueryParameterHash(name);
      case POLICYSPECIFIER_NOT_SET:
        problems.add(
            path, "one of header, cookie, connection_properties or query_parameter is required");
        return null;
      default:
        return null; // filter_state: reported by the allowlist
    }
  }

  private HashPolicy.Method header(RouteAction.HashPolicy.Header header, String path) {
    HEADER.check(header, path, problems);
    String namePath = Problems.join(path, "header_name");
    String name = Ascii.toLowerCase(header.getHeaderName());
    if (name.isEmpty()) {
      problems.add(namePath, "required");
      return null;
    }
    if (!validHeaderName(name)) {
      problems.add(namePath, "invalid header name \"" + header.getHeaderName() + "\"");
      return null;
    }
    if (name.equals("host")) {
      name = ":authority";
    }
    RegexSubstitution rewrite = null;
    if (header.hasRegexRewrite()) {
      rewrite = rewrite(header.getRegexRewrite(), Problems.join(path, "regex_rewrite"));
      if (rewrite == null) {
        return null;
      }
    }
    return new HashPolicy.HeaderHash(name, rewrite);
  }

  private RegexSubstitution rewrite(RegexMatchAndSubstitute rewrite, String path) {
    REGEX_MATCH_AND_SUBSTITUTE.check(rewrite, path, problems);
    if (!rewrite.hasPattern()) {
      problems.add(Problems.join(path, "pattern"), "required");
      return null;
    }
    Pattern pattern = strings.regex(rewrite.getPattern(), Problems.join(path, "pattern"));
    if (pattern == null) {
      return null;
    }
    try {
      return RegexSubstitution.compile(pattern, rewrite.getSubstitution());
    } catch (IllegalArgumentException e) {
      problems.add(Problems.join(path, "substitution"), e.getMessage());
      return null;
    }
  }

  private HashPolicy.Method cookie(RouteAction.HashPolicy.Cookie cookie, String path) {
    int before = problems.size();
    COOKIE.check(cookie, path, problems);
    if (cookie.getName().isEmpty()) {
      problems.add(Problems.join(path, "name"), "required");
    } else if (!isToken(cookie.getName())) {
      problems.add(Problems.join(path, "name"), "invalid cookie name \"" + cookie.getName() + "\"");
    }
    Duration ttl =
        cookie.hasTtl() ? ProtoDurations.of(cookie.getTtl(), Problems.join(path, "ttl"), problems) : null;
    if (!validAttributeText(cookie.getPath())) {
      problems.add(Problems.join(path, "path"), "must not contain ';', control characters or non-ASCII");
    }
    List<String> attributes = new ArrayList<>();
    String attributesPath = Problems.join(path, "attributes");
    for (int i = 0; i < cookie.getAttributesCount(); i++) {
      RouteAction.HashPolicy.CookieAttribute attribute = cookie.getAttributes(i);
      String at = Problems.index(attributesPath, i);
      COOKIE_ATTRIBUTE.check(attribute, at, problems);
      if (attribute.getName().isEmpty() || !isToken(attribute.getName())) {
        problems.add(Problems.join(at, "name"), "must be a token such as SameSite or Secure");
      }
      if (!validAttributeText(attribute.getValue())) {
        problems.add(
            Problems.join(at, "value"), "must not contain ';', control characters or non-ASCII");
      }
      attributes.add(
          attribute.getValue().isEmpty()
              ? attribute.getName()
              : attribute.getName() + "=" + attribute.getValue());
    }
    if (problems.size() != before) {
      return null;
    }
    return new HashPolicy.CookieHash(cookie.getName(), ttl, cookie.getPath(), attributes);
  }

  /** A header name: an RFC 9110 token, or one of the pseudo-headers a request has. */
  private static boolean validHeaderName(String lowercase) {
    switch (lowercase) {
      case ":authority", ":path", ":method", ":scheme":
        return true;
      default:
        return isToken(lowercase);
    }
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  /** Text that may follow {@code Path=} or an attribute's {@code =} in a {@code Set-Cookie}. */
  private static boolean validAttributeText(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == ';') {
        return false;
      }
    }
    return true;
  }
}
