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
 * @param tls TLS (SNI) rules, not applied by Bowline yet
 * @param exportTo the namespaces that see the resource; empty means all
 */
public record VirtualService(
    List<String> hosts,
    List<String> gateways,
    List<HttpRoute> http,
    List<TcpRoute> tcp,
    JsonNode tls,
    List<String> exportTo) {

  public VirtualService {
    hosts = Lists.of(hosts);
    gateways = Lists.of(gateways);
    http = Lists.of(http);
    tcp = Lists.of(tcp);
    exportTo = Lists.of(exportTo);
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
      JsonNode fault,
      JsonNode mirror,
      JsonNode mirrors,
      JsonNode mirrorPercentage,
      JsonNode mirrorPercent,
      JsonNode corsPolicy,
      Headers headers,
      JsonNode delegate) {
    public HttpRoute {
      match = Lists.of(match);
      route = Lists.of(route);
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

  /** Istio's {@code HTTPRedirect}. {@code redirectCode} 0 means 301. */
  public record HttpRedirect(
      String uri,
      String authority,
      int port,
      JsonNode derivePort,
      String scheme,
      int redirectCode) {}

  /** Istio's {@code HTTPDirectResponse}. */
  public record HttpDirectResponse(int status, JsonNode body) {}

  /** Istio's {@code HTTPRewrite}: {@code uri} replaces the matched prefix. */
  public record HttpRewrite(String uri, String authority, JsonNode uriRegexRewrite) {}

  /** Istio's {@code HTTPRetry}. */
  public record HttpRetry(
      int attempts,
      String perTryTimeout,
      String retryOn,
      Boolean retryRemoteLocalities,
      JsonNode backoff) {}

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
