package dev.bowline.proxy.filter.cors;

import dev.bowline.proxy.filter.Percentage;
import dev.bowline.proxy.route.MutableHeaders;
import java.util.List;
import java.util.function.Predicate;

/**
 * A compiled Envoy {@code CorsPolicy}, applied as Envoy's CORS filter applies it:
 *
 * <ul>
 *   <li>a request without {@code Origin} (or with an empty one), or drawn outside {@code
 *       filter_enabled}, is not a CORS request: nothing happens;
 *   <li>an origin no {@code allow_origin_string_match} matches (a matcher that matches {@code *}
 *       allows every origin) is not allowed: the request goes on untouched, except a preflight
 *       when {@code forward_not_matching_preflights} is false, which is answered {@code 200}
 *       without any {@code access-control-*} header;
 *   <li>an allowed preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) is
 *       answered {@code 200} by the proxy with {@code access-control-allow-origin} (the request's
 *       origin), {@code -allow-credentials: true} when credentials are allowed, {@code
 *       -allow-methods}, {@code -allow-headers}, {@code -max-age} (each when configured);
 *   <li>any other request from an allowed origin goes on, and its response (a local reply too)
 *       gets {@code access-control-allow-origin}, {@code -allow-credentials} and {@code
 *       -expose-headers}.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class CorsConfig {

  /** What the filter does with one request. */
  public enum Verdict {
    /** Not a CORS request (no origin, or the policy not enabled for it): nothing to do. */
    NONE,
    /** The origin is not allowed: the request goes on, its response untouched. */
    ORIGIN_NOT_ALLOWED,
    /** A preflight from an origin not allowed, not forwarded: answer 200 without CORS headers. */
    REFUSE_PREFLIGHT,
    /** A preflight from an allowed origin: answer it here ({@link #addPreflightHeaders}). */
    ANSWER_PREFLIGHT,
    /** A request from an allowed origin: it goes on; {@link #addResponseHeaders} on its answer. */
    ALLOWED
  }

  private final List<Predicate<String>> origins;
  private final String allowMethods;
  private final String allowHeaders;
  private final String exposeHeaders;
  private final String maxAge;
  private final boolean allowCredentials;
  private final Percentage enabled;
  private final boolean forwardNotMatchingPreflights;

  CorsConfig(
      List<Predicate<String>> origins,
      String allowMethods,
      String allowHeaders,
      String exposeHeaders,
      String maxAge,
      boolean allowCredentials,
      Percentage enabled,
      boolean forwardNotMatchingPreflights) {
    this.origins = List.copyOf(origins);
    this.allowMethods = allowMethods;
    this.allowHeaders = allowHeaders;
    this.exposeHeaders = exposeHeaders;
    this.maxAge = maxAge;
    this.allowCredentials = allowCredentials;
    this.enabled = enabled;
    this.forwardNotMatchingPreflights = forwardNotMatchingPreflights;
  }

  /**
   * Decides for one request.
   *
   * @param method the request's method
   * @param origin its {@code Origin} header, or null
   * @param requestMethod its {@code Access-Control-Request-Method} header, or null
   */
  public Verdict decide(String method, String origin, String requestMethod) {
    if (origin == null || origin.isEmpty() || !enabled.sample()) {
      return Verdict.NONE;
    }
    boolean preflight =
        "OPTIONS".equals(method) && requestMethod != null && !requestMethod.isEmpty();
    if (!isOriginAllowed(origin)) {
      return preflight && !forwardNotMatchingPreflights
          ? Verdict.REFUSE_PREFLIGHT
          : Verdict.ORIGIN_NOT_ALLOWED;
    }
    return preflight ? Verdict.ANSWER_PREFLIGHT : Verdict.ALLOWED;
  }

  /** Whether some matcher allows {@code origin} (or matches {@code *}, allowing every origin). */
  public boolean isOriginAllowed(String origin) {
    for (Predicate<String> allowed : origins) {
      if (allowed.test(origin) || allowed.test("*")) {
        return true;
      }
    }
    return false;
  }

  /** The headers of the answer to an allowed preflight from {@code origin}. */
  public void addPreflightHeaders(MutableHeaders headers, String origin) {
    headers.set("access-control-allow-origin", origin);
    if (allowCredentials) {
      headers.set("access-control-allow-credentials", "true");
    }
    setIfAny(headers, "access-control-allow-methods", allowMethods);
    setIfAny(headers, "access-control-allow-headers", allowHeaders);
    setIfAny(headers, "access-control-max-age", maxAge);
  }

  /** The headers of the response to an allowed request from {@code origin}. */
  public void addResponseHeaders(MutableHeaders headers, String origin) {
    headers.set("access-control-allow-origin", origin);
    if (allowCredentials) {
      headers.set("access-control-allow-credentials", "true");
    }
    setIfAny(headers, "access-control-expose-headers", exposeHeaders);
  }

  private static void setIfAny(MutableHeaders headers, String name, String value) {
    if (!value.isEmpty()) {
      headers.set(name, value);
    }
  }

  @Override
  public String toString() {
    return "cors{" + origins.size() + " origin matcher(s), methods '" + allowMethods + "'}";
  }
}
