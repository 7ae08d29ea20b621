package dev.bowline.kernel.pilot.istio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Istio's {@code VirtualService} spec: routing rules for traffic to {@code hosts}.
 *
 * @param hosts the destination hosts (short names are qualified with the resource's namespace)
 * @param gateways the gateways and sidecars ({@code mesh}) the rules apply to; empty means mesh
 * @param http HTTP rules, evaluated in order, the first match winning
 * @param tcp TCP rules
 * @param tls TLS rules, matched by SNI: applied on gateways' TLS servers in PASSTHROUGH mode
 * @param exportTo the namespaces that see the resource; empty means all
 */
public record VirtualService(
    List<String> hosts,
    List<String> gateways,
    List<HttpRoute> http,
    List<TcpRoute> tcp,
    List<TlsRoute> tls,
    List<String> exportTo) {

  public VirtualService {
    hosts = Lists.of(hosts);
    gateways = Lists.of(gateways);
    http = Lists.of(http);
    tcp = Lists.of(tcp);
    tls = Lists.of(tls);
    exportTo = Lists.of(exportTo);
  }

  /** One TLS rule: connections whose ClientHello one of {@code match} describes go to {@code route}. */
  public record TlsRoute(List<TlsMatchAttributes> match, List<RouteDestination> route) {
    public TlsRoute {
      match = Lists.of(match);
      route = Lists.of(route);
    }
  }

  /** Istio's {@code TLSMatchAttributes}: the SNI names (required) and L4 conditions. */
  public record TlsMatchAttributes(
      List<String> sniHosts,
      List<String> destinationSubnets,
      int port,
      Map<String, String> sourceLabels,
      List<String> gateways,
      String sourceNamespace) {
    public TlsMatchAttributes {
      sniHosts = Lists.of(sniHosts);
      destinationSubnets = Lists.of(destinationSubnets);
      sourceLabels = sourceLabels == null ? Map.of() : Map.copyOf(sourceLabels);
      gateways = Lists.of(gateways);
    }
  }

  /** One HTTP rule: when one of {@code match} holds (or it is empty), what to do. */
  public record HttpRoute(
      String name,
      List<HttpMatchRequest> match,
      List<HttpRouteDestination> route,
      HttpRedirect redirect,
      HttpDirectResponse directResponse,
      HttpRewrite rewrite,
      String timeout,
      HttpRetry retries,
      HttpFaultInjection fault,
      Destination mirror,
      List<HttpMirrorPolicy> mirrors,
      Percent mirrorPercentage,
      Integer mirrorPercent,
      CorsPolicy corsPolicy,
      Headers headers,
      JsonNode delegate) {
    public HttpRoute {
      match = Lists.of(match);
      route = Lists.of(route);
      mirrors = Lists.of(mirrors);
    }
  }

  /**
   * Istio's {@code HTTPFaultInjection}: a delay, an abort or both, each for a percentage of the
   * requests.
   */
  public record HttpFaultInjection(Delay delay, Abort abort) {

    /**
     * A fixed delay; {@code percentage} (fractions allowed) or the deprecated whole {@code
     * percent}; neither means no request is delayed. {@code exponentialDelay} is not applied.
     */
    public record Delay(
        String fixedDelay, Percent percentage, Integer percent, JsonNode exponentialDelay) {}

    /**
     * An abort with an HTTP status or a gRPC status (its name, such as {@code UNAVAILABLE}), for
     * {@code percentage} of the requests. {@code http2Error} is not applied.
     */
    public record Abort(
        Integer httpStatus, String grpcStatus, JsonNode http2Error, Percent percentage) {}
  }

  /** Istio's {@code HTTPMirrorPolicy}: one more destination receiving a copy of the requests. */
  public record HttpMirrorPolicy(Destination destination, Percent percentage) {}

  /**
   * Istio's {@code CorsPolicy}. {@code allowOrigin} is the deprecated list of exact origins;
   * {@code maxAge} a duration; {@code unmatchedPreflights} FORWARD (default) or IGNORE.
   */
  public record CorsPolicy(
      List<String> allowOrigin,
      List<StringMatch> allowOrigins,
      List<String> allowMethods,
      List<String> allowHeaders,
      List<String> exposeHeaders,
      String maxAge,
      Boolean allowCredentials,
      String unmatchedPreflights) {
    public CorsPolicy {
      allowOrigin = Lists.of(allowOrigin);
      allowOrigins = Lists.of(allowOrigins);
      allowMethods = Lists.of(allowMethods);
      allowHeaders = Lists.of(allowHeaders);
      exposeHeaders = Lists.of(exposeHeaders);
    }
  }

  /** The conditions of one match entry, ANDed. */
  public record HttpMatchRequest(
      String name,
      StringMatch uri,
      StringMatch scheme,
      StringMatch method,
      StringMatch authority,
      Map<String, StringMatch> headers,
      Map<String, StringMatch> withoutHeaders,
      Map<String, StringMatch> queryParams,
      int port,
      Map<String, String> sourceLabels,
      List<String> gateways,
      String sourceNamespace,
      boolean ignoreUriCase,
      JsonNode statPrefix) {
    public HttpMatchRequest {
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      withoutHeaders = withoutHeaders == null ? Map.of() : Map.copyOf(withoutHeaders);
      queryParams = queryParams == null ? Map.of() : Map.copyOf(queryParams);
      sourceLabels = sourceLabels == null ? Map.of() : Map.copyOf(sourceLabels);
      gateways = Lists.of(gateways);
    }
  }

  /** A weighted destination of an HTTP rule; weight 0 when unset. */
  public record HttpRouteDestination(Destination destination, int weight, Headers headers) {}

  /**
   * Istio's {@code HTTPRedirect}. {@code redirectCode} 0 means 301; {@code derivePort} is
   * FROM_PROTOCOL_DEFAULT or FROM_REQUEST_PORT.
   */
  public record HttpRedirect(
      String uri,
      String authority,
      int port,
      String derivePort,
      String scheme,
      int redirectCode) {}

  /** Istio's {@code HTTPDirectResponse}. */
  public record HttpDirectResponse(int status, HttpBody body) {}

  /** Istio's {@code HTTPBody}: a text ({@code string}) or base64 {@code bytes}. */
  public record HttpBody(String string, String bytes) {}

  /** Istio's {@code HTTPRewrite}: {@code uri} replaces the matched prefix. */
  public record HttpRewrite(String uri, String authority, RegexRewrite uriRegexRewrite) {}

  /** Istio's {@code RegexRewrite}: the RE2 {@code match} replaced by {@code rewrite}. */
  public record RegexRewrite(String match, String rewrite) {}

  /** Istio's {@code HTTPRetry}. */
  public record HttpRetry(
      int attempts,
      String perTryTimeout,
      String retryOn,
      Boolean retryRemoteLocalities,
      String backoff) {}

  /** One TCP rule. */
  public record TcpRoute(List<L4MatchAttributes> match, List<RouteDestination> route) {
    public TcpRoute {
      match = Lists.of(match);
      route = Lists.of(route);
    }
  }

  /** Istio's {@code L4MatchAttributes}. */
  public record L4MatchAttributes(
      List<String> destinationSubnets,
      int port,
      Map<String, String> sourceLabels,
      List<String> gateways,
      String sourceNamespace,
      String sourceSubnet) {
    public L4MatchAttributes {
      destinationSubnets = Lists.of(destinationSubnets);
      sourceLabels = sourceLabels == null ? Map.of() : Map.copyOf(sourceLabels);
      gateways = Lists.of(gateways);
    }
  }

  /** A weighted destination of a TCP rule. */
  public record RouteDestination(Destination destination, int weight) {}

  /** Istio's {@code Destination}: a service host, an optional subset and port. */
  public record Destination(String host, String subset, PortSelector port) {}
}
