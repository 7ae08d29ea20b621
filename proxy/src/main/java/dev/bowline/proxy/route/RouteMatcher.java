package dev.bowline.proxy.route;

import java.util.Arrays;

/**
 * A compiled {@code RouteMatch}: the path matcher, then (all required) the gRPC content type,
 * header matchers and query parameter matchers.
 */
final class RouteMatcher {

  private final PathMatcher path;
  private final boolean grpc;
  private final HeaderCondition[] headers;
  private final QueryCondition[] queryParameters;

  RouteMatcher(
      PathMatcher path, boolean grpc, HeaderCondition[] headers, QueryCondition[] queryParameters) {
    this.path = path;
    this.grpc = grpc;
    this.headers = headers.clone();
    this.queryParameters = queryParameters.clone();
  }

  PathMatcher path() {
    return path;
  }

  boolean matches(RequestView request, String requestPath, int pathEnd) {
    if (!path.matches(requestPath, pathEnd)) {
      return false;
    }
    if (grpc && !isGrpc(request.header("content-type"))) {
      return false;
    }
    for (HeaderCondition header : headers) {
      if (!header.matches(request)) {
        return false;
      }
    }
    for (QueryCondition parameter : queryParameters) {
      if (!parameter.matches(requestPath, pathEnd)) {
        return false;
      }
    }
    return true;
  }

  /** Envoy's gRPC content type test: {@code application/grpc}, alone or followed by + or ;. */
  private static boolean isGrpc(String contentType) {
    String grpc = "application/grpc";
    return contentType != null
        && contentType.startsWith(grpc)
        && (contentType.length() == grpc.length()
            || contentType.charAt(grpc.length()) == '+'
            || contentType.charAt(grpc.length()) == ';');
  }

  @Override
  public String toString() {
    return path
        + (grpc ? " grpc" : "")
        + (headers.length > 0 ? " headers=" + Arrays.toString(headers) : "")
        + (queryParameters.length > 0 ? " query=" + Arrays.toString(queryParameters) : "");
  }
}
