package dev.bowline.proxy.route;

/**
 * Envoy's {@code redirect} action: answer with a redirect whose {@code Location} is computed from
 * the request as Envoy's {@code newUri} does.
 *
 * <p>Immutable and thread-safe.
 */
public final class RedirectAction implements Action {

  private final String scheme;
  private final String host;
  private final String port;
  private final String pathRedirect;
  private final boolean pathRedirectHasQuery;
  private final PathRewrite pathRewrite;
  private final boolean stripQuery;
  private final int responseCode;

  /**
   * @param scheme the scheme to redirect to, or {@code null} to keep the request's
   * @param host the host to redirect to, or {@code null} to keep the request's
   * @param port the port to redirect to, or 0 to keep the request's (if any)
   * @param pathRedirect the path to redirect to, or {@code null}
   * @param pathRewrite the prefix or regex rewrite of the request path (when no {@code
   *     pathRedirect})
   */
  RedirectAction(
      String scheme,
      String host,
      int port,
      String pathRedirect,
      PathRewrite pathRewrite,
      boolean stripQuery,
      int responseCode) {
    this.scheme = scheme;
    this.host = host;
    this.port = port == 0 ? "" : ":" + port;
    this.pathRedirect = pathRedirect;
    this.pathRedirectHasQuery = pathRedirect != null && pathRedirect.indexOf('?') >= 0;
    this.pathRewrite = pathRewrite;
    this.stripQuery = stripQuery;
    this.responseCode = responseCode;
  }

  /** The status code: 301 (the default), 302, 303, 307 or 308. */
  public int responseCode() {
    return responseCode;
  }

  /**
   * The {@code Location} for {@code request}, as Envoy computes it:
   *
   * <ul>
   *   <li>scheme: {@code scheme_redirect}, {@code https} for {@code https_redirect}, else the
   *       request's;
   *   <li>host: {@code host_redirect}, else the request's authority, without its port when {@code
   *       port_redirect} is set or when the scheme changes and the port is the default of the
   *       request's protocol ({@code x-forwarded-proto}, else its scheme), such as {@code :80} for
   *       {@code http} redirected to {@code https};
   *   <li>port: {@code :port_redirect} if set;
   *   <li>path: {@code path_redirect} (keeping the request's query unless the redirect path has its
   *       own), else the request path after {@code prefix_rewrite} or {@code regex_rewrite};
   *   <li>{@code strip_query} removes the query, except one given in {@code path_redirect}.
   * </ul>
   */
  public String location(RequestView request) {
    String requestScheme = request.scheme() == null ? "http" : request.scheme();
    String finalScheme = scheme != null ? scheme : requestScheme;
    String finalHost = host != null ? host : requestHost(request, finalScheme, requestScheme);
    String path = request.path() == null ? "/" : request.path();
    String finalPath;
    if (pathRedirect != null) {
      if (pathRedirectHasQuery) {
        finalPath = pathRedirect;
      } else {
        int query = path.indexOf('?');
        finalPath = query >= 0 ? pathRedirect + path.substring(query) : pathRedirect;
      }
    } else {
      finalPath = pathRewrite.apply(path);
    }
    if (!finalPath.startsWith("/")) {
      finalPath = "/" + finalPath;
    }
    if (stripQuery && !pathRedirectHasQuery) {
      int query = finalPath.indexOf('?');
      if (query >= 0) {
        finalPath = finalPath.substring(0, query);
      }
    }
    return finalScheme + "://" + finalHost + port + finalPath;
  }

  private String requestHost(RequestView request, String newScheme, String requestScheme) {
    String authority = request.authority();
    if (authority == null || authority.isEmpty()) {
      return "";
    }
    int hostEnd;
    if (authority.charAt(0) == '[') {
      hostEnd = authority.lastIndexOf("]:");
      if (hostEnd >= 0) {
        hostEnd++;
      }
    } else {
      hostEnd = authority.lastIndexOf(':');
    }
    if (hostEnd < 0) {
      return authority;
    }
    String requestPort = authority.substring(hostEnd);
    String forwardedProto = request.header("x-forwarded-proto");
    String protocol = forwardedProto != null ? forwardedProto : requestScheme;
    boolean removePort = !port.isEmpty();
    if (!newScheme.equals(protocol)) {
      removePort |= protocol.equals("https") && requestPort.equals(":443");
      removePort |= protocol.equals("http") && requestPort.equals(":80");
    }
    return removePort ? authority.substring(0, hostEnd) : authority;
  }

  @Override
  public String toString() {
    return "redirect " + responseCode;
  }
}
