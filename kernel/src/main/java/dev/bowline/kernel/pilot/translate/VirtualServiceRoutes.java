package dev.bowline.kernel.pilot.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UInt32Value;
import dev.bowline.kernel.pilot.istio.Headers;
import dev.bowline.kernel.pilot.istio.VirtualService.Destination;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpDirectResponse;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpMatchRequest;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRedirect;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRetry;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRewrite;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRoute;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRouteDestination;
import dev.bowline.kernel.pilot.translate.PushIndex.IndexedVirtualService;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates the HTTP rules of a VirtualService into Envoy routes for one {@link RouteScope}, as
 * Istio does: rules in order, each {@code match} entry its own route (entries are ORed; a rule
 * without match matches everything; an entry for another gateway, port, source or namespace is
 * skipped, and a rule left without entries is skipped whole); destinations to {@code cluster} or
 * {@code weighted_clusters} named {@code outbound|<port>|<subset>|<host>}; redirect, direct
 * response, rewrite, timeout (disabled when absent, as in Istio), retries (Istio's default policy
 * when absent) and header operations. Fields the proxy cannot apply (fault, mirror, CORS) are left
 * out: the config store reports them when they are applied.
 *
 * <p>Proxyless gRPC clients refuse a route table holding a redirect or a direct response, so for
 * them such rules are left out. Immutable and thread-safe.
 */
final class VirtualServiceRoutes {

  /** Istio's default {@code retry_on}. */
  static final String DEFAULT_RETRY_ON =
      "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

  /** Istio's default retry policy: 2 retries, 503 retriable. */
  static final RetryPolicy DEFAULT_RETRY_POLICY =
      RetryPolicy.newBuilder()
          .setRetryOn(DEFAULT_RETRY_ON)
          .setNumRetries(UInt32Value.of(2))
          .addRetriableStatusCodes(503)
          .build();

  /** Istio's default route timeout: none. */
  static final com.google.protobuf.Duration NO_TIMEOUT = IstioDurations.seconds(0);

  private static final Logger log = LoggerFactory.getLogger(VirtualServiceRoutes.class);

  private final PushIndex index;

  VirtualServiceRoutes(PushIndex index) {
    this.index = index;
  }

  /** The route to {@code cluster} of a service port no VirtualService routes. */
  static Route defaultRoute(String cluster) {
    return Route.newBuilder()
        .setName("default")
        .setMatch(RouteMatches.catchAll())
        .setRoute(
            RouteAction.newBuilder()
                .setCluster(cluster)
                .setTimeout(NO_TIMEOUT)
                .setRetryPolicy(DEFAULT_RETRY_POLICY))
        .build();
  }

  /** The routes of {@code vs}'s HTTP rules that apply in {@code scope}, in order. */
  List<Route> routes(IndexedVirtualService vs, RouteScope scope) {
    List<Route> out = new ArrayList<>();
    List<HttpRoute> rules = vs.spec().http();
    for (int i = 0; i < rules.size(); i++) {
      HttpRoute rule = rules.get(i);
      String where = vs + ": http[" + i + "]";
      String ruleName =
          rule.name() != null && !rule.name().isEmpty()
              ? rule.name()
              : vs.namespace() + "/" + vs.resource().name() + ".http[" + i + "]";
      List<RouteMatch> matches = new ArrayList<>();
      List<String> names = new ArrayList<>();
      if (rule.match().isEmpty()) {
        matches.add(RouteMatches.catchAll());
        names.add(ruleName);
      }
      for (int j = 0; j < rule.match().size(); j++) {
        HttpMatchRequest m = rule.match().get(j);
        if (!applies(m, vs, scope)) {
          continue;
        }
        try {
          matches.add(RouteMatches.of(m));
          names.add(m.name() != null && !m.name().isEmpty() ? ruleName + "." + m.name() : ruleName);
        } catch (IllegalArgumentException e) {
          log.warn("{}.match[{}].{}; this match entry never matches", where, j, e.getMessage());
        }
      }
      if (matches.isEmpty()) {
        continue;
      }
      Route.Builder template;
      try {
        template = action(rule, vs, scope, where);
      } catch (RuntimeException e) {
        log.error("{}: cannot be translated ({}); the rule is left out", where, e.toString());
        continue;
      }
      if (template == null) {
        continue;
      }
      for (int k = 0; k < matches.size(); k++) {
        Route.Builder route = template.clone().setName(names.get(k)).setMatch(matches.get(k));
        rewriteToRoot(route);
        out.add(route.build());
      }
    }
    return out;
  }

  private static boolean applies(HttpMatchRequest m, IndexedVirtualService vs, RouteScope scope) {
    if (!m.gateways().isEmpty()) {
      boolean listed = false;
      for (String g : m.gateways()) {
        listed |= PushIndex.resolveGateway(g, vs.namespace()).equals(scope.gateway());
      }
      if (!listed) {
        return false;
      }
    }
    if (m.port() > 0 && m.port() != scope.port()) {
      return false;
    }
    if (!scope.labels().entrySet().containsAll(m.sourceLabels().entrySet())) {
      return false;
    }
    return m.sourceNamespace() == null
        || m.sourceNamespace().isEmpty()
        || m.sourceNamespace().equals(scope.namespace());
  }

  /** The route without name and match, or null when the rule gives nothing to do. */
  private Route.Builder action(
      HttpRoute rule, IndexedVirtualService vs, RouteScope scope, String where) {
    Route.Builder r = Route.newBuilder();
    Headers headers = rule.headers();
    if (headers != null) {
      HeaderOperationsTranslator.apply(headers.request(), where + ".headers.request",
          r::addRequestHeadersToAdd, r::addRequestHeadersToRemove);
      HeaderOperationsTranslator.apply(headers.response(), where + ".headers.response",
          r::addResponseHeadersToAdd, r::addResponseHeadersToRemove);
    }
    if (rule.redirect() != null) {
      if (scope.proxyless()) {
        log.debug("{}: a redirect is left out of proxyless gRPC routes", where);
        return null;
      }
      return r.setRedirect(redirect(rule.redirect(), where + ".redirect"));
    }
    if (rule.directResponse() != null) {
      if (scope.proxyless()) {
        log.debug("{}: a direct response is left out of proxyless gRPC routes", where);
        return null;
      }
      return r.setDirectResponse(directResponse(rule.directResponse(), where + ".directResponse"));
    }
    if (rule.route().isEmpty()) {
      log.warn("{}: the rule has no route, redirect or directResponse; left out", where);
      return null;
    }
    RouteAction.Builder a = RouteAction.newBuilder();
    List<HttpRouteDestination> destinations = destinations(rule.route(), where);
    if (destinations.isEmpty()) {
      return null;
    }
    if (destinations.size() == 1) {
      HttpRouteDestination d = destinations.get(0);
      a.setCluster(clusterName(d.destination(), vs, scope));
      if (d.headers() != null) {
        HeaderOperationsTranslator.apply(d.headers().request(), where + ".route[0].headers.request",
            r::addRequestHeadersToAdd, r::addRequestHeadersToRemove);
        HeaderOperationsTranslator.apply(d.headers().response(),
            where + ".route[0].headers.response",
            r::addResponseHeadersToAdd, r::addResponseHeadersToRemove);
      }
    } else {
      WeightedCluster.Builder w = WeightedCluster.newBuilder();
      boolean unweighted = destinations.stream().allMatch(d -> d.weight() <= 0);
      for (int i = 0; i < destinations.size(); i++) {
        HttpRouteDestination d = destinations.get(i);
        WeightedCluster.ClusterWeight.Builder c =
            WeightedCluster.ClusterWeight.newBuilder()
                .setName(clusterName(d.destination(), vs, scope))
                .setWeight(UInt32Value.of(unweighted ? 1 : d.weight()));
        if (d.headers() != null) {
          String dw = where + ".route[" + i + "].headers";
          HeaderOperationsTranslator.apply(d.headers().request(), dw + ".request",
              c::addRequestHeadersToAdd, c::addRequestHeadersToRemove);
          HeaderOperationsTranslator.apply(d.headers().response(), dw + ".response",
              c::addResponseHeadersToAdd, c::addResponseHeadersToRemove);
        }
        w.addClusters(c);
      }
      a.setWeightedClusters(w);
    }
    a.setTimeout(timeout(rule.timeout(), where + ".timeout"));
    RetryPolicy retries = retryPolicy(rule.retries(), where + ".retries");
    if (retries != null) {
      a.setRetryPolicy(retries);
    }
    rewrite(rule.rewrite(), a, where + ".rewrite");
    return r.setRoute(a);
  }

  /**
   * The destinations that get traffic: with several, those of weight 0 get none and are left out
   * (as Istio does); when no weight is given at all, they share equally.
   */
  private static List<HttpRouteDestination> destinations(
      List<HttpRouteDestination> written, String where) {
    List<HttpRouteDestination> all = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      HttpRouteDestination d = written.get(i);
      if (d == null || d.destination() == null || d.destination().host() == null
          || d.destination().host().isEmpty()) {
        log.warn("{}.route[{}].destination.host: missing; destination left out", where, i);
      } else {
        all.add(d);
      }
    }
    if (all.size() <= 1 || all.stream().allMatch(d -> d.weight() <= 0)) {
      return all;
    }
    return all.stream().filter(d -> d.weight() > 0).toList();
  }

  /** The cluster of a destination: its host qualified in the VirtualService's namespace. */
  String clusterName(Destination d, IndexedVirtualService vs, RouteScope scope) {
    String host = index.mesh().qualify(d.host(), vs.namespace()).toLowerCase(Locale.ROOT);
    int port = d.port() != null && d.port().number() > 0 ? d.port().number() : defaultPort(host, scope);
    return ClusterNames.outbound(port, d.subset(), host);
  }

  /**
   * The port of a destination that names none: the service's only port; else the virtual host's
   * port if the service has it; else its first HTTP port; else the virtual host's port.
   */
  private int defaultPort(String host, RouteScope scope) {
    Service s = index.service(host).orElse(null);
    if (s == null) {
      return scope.port();
    }
    if (s.ports().size() == 1) {
      return s.ports().get(0).number();
    }
    if (s.port(scope.port()).isPresent()) {
      return scope.port();
    }
    for (ServicePort p : s.ports()) {
      if (p.protocol().isHttp()) {
        return p.number();
      }
    }
    return scope.port();
  }

  private static com.google.protobuf.Duration timeout(String text, String where) {
    if (text == null) {
      return NO_TIMEOUT;
    }
    try {
      return IstioDurations.toProto(IstioDurations.parse(text));
    } catch (IllegalArgumentException e) {
      log.warn("{}: {}; no timeout applied", where, e.getMessage());
      return NO_TIMEOUT;
    }
  }

  /**
   * Istio's retry policy: absent means Istio's default; {@code attempts: 0} means none; status
   * codes in {@code retryOn} become {@code retriable_status_codes}; conditions Envoy does not know
   * are left out (the proxy would refuse the whole route table).
   */
  static RetryPolicy retryPolicy(HttpRetry retry, String where) {
    if (retry == null) {
      return DEFAULT_RETRY_POLICY;
    }
    if (retry.attempts() <= 0) {
      return null;
    }
    RetryPolicy.Builder p = RetryPolicy.newBuilder().setNumRetries(UInt32Value.of(retry.attempts()));
    if (retry.perTryTimeout() != null) {
      try {
        p.setPerTryTimeout(IstioDurations.toProto(IstioDurations.parse(retry.perTryTimeout())));
      } catch (IllegalArgumentException e) {
        log.warn("{}.perTryTimeout: {}; ignored", where, e.getMessage());
      }
    }
    if (retry.retryOn() == null || retry.retryOn().isBlank()) {
      return p.setRetryOn(DEFAULT_RETRY_ON).addRetriableStatusCodes(503).build();
    }
    Set<String> conditions = new LinkedHashSet<>();
    for (String token : retry.retryOn().split(",")) {
      String t = token.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (t.chars().allMatch(Character::isDigit)) {
        p.addRetriableStatusCodes(Integer.parseInt(t));
        conditions.add("retriable-status-codes");
      } else if (dev.bowline.proxy.route.RetryPolicy.KNOWN_CONDITIONS.contains(t)) {
        conditions.add(t);
      } else {
        log.warn("{}.retryOn: unknown condition '{}'; left out", where, t);
      }
    }
    if (conditions.isEmpty()) {
      return null;
    }
    return p.setRetryOn(String.join(",", conditions)).build();
  }

  /**
   * Istio's fix of Envoy's {@code prefix_rewrite: /}: after {@code prefix: /api}, {@code /api/x}
   * would become {@code //x}; a regex rewrite of the prefix and the slashes after it gives {@code
   * /x}.
   */
  private static void rewriteToRoot(Route.Builder route) {
    String prefix = route.getMatch().getPrefix();
    if (!route.hasRoute()
        || !route.getRoute().getPrefixRewrite().equals("/")
        || prefix.isEmpty()
        || prefix.endsWith("/")) {
      return;
    }
    route.getRouteBuilder()
        .clearPrefixRewrite()
        .setRegexRewrite(
            RegexMatchAndSubstitute.newBuilder()
                .setPattern(
                    RegexMatcher.newBuilder()
                        .setRegex("^" + com.google.re2j.Pattern.quote(prefix) + "/*"))
                .setSubstitution("/"));
  }

  /**
   * {@code rewrite.uri} is a {@code prefix_rewrite}: it replaces the matched prefix, or the whole
   * path after an exact or regex match (the proxy does both); {@code uriRegexRewrite} a {@code
   * regex_rewrite}; {@code authority} a {@code host_rewrite_literal}.
   */
  private static void rewrite(HttpRewrite rewrite, RouteAction.Builder a, String where) {
    if (rewrite == null) {
      return;
    }
    if (rewrite.uri() != null && !rewrite.uri().isEmpty()) {
      a.setPrefixRewrite(rewrite.uri());
      if (rewrite.uriRegexRewrite() != null && !rewrite.uriRegexRewrite().isNull()) {
        log.warn("{}: uri and uriRegexRewrite are exclusive; uriRegexRewrite ignored", where);
      }
    } else if (rewrite.uriRegexRewrite() != null && rewrite.uriRegexRewrite().isObject()) {
      JsonNode r = rewrite.uriRegexRewrite();
      String match = r.path("match").asText("");
      try {
        com.google.re2j.Pattern.compile(match);
        a.setRegexRewrite(
            RegexMatchAndSubstitute.newBuilder()
                .setPattern(RegexMatcher.newBuilder().setRegex(match))
                .setSubstitution(r.path("rewrite").asText("")));
      } catch (com.google.re2j.PatternSyntaxException e) {
        log.warn("{}.uriRegexRewrite.match: not valid RE2 ({}); ignored", where, e.getMessage());
      }
    }
    if (rewrite.authority() != null && !rewrite.authority().isEmpty()) {
      a.setHostRewriteLiteral(rewrite.authority());
    }
  }

  private static RedirectAction redirect(HttpRedirect redirect, String where) {
    RedirectAction.Builder b = RedirectAction.newBuilder();
    if (redirect.uri() != null && !redirect.uri().isEmpty()) {
      b.setPathRedirect(redirect.uri());
    }
    if (redirect.authority() != null && !redirect.authority().isEmpty()) {
      b.setHostRedirect(redirect.authority());
    }
    if (redirect.scheme() != null && !redirect.scheme().isEmpty()) {
      b.setSchemeRedirect(redirect.scheme());
    }
    if (redirect.port() > 0) {
      b.setPortRedirect(redirect.port());
    } else if (redirect.derivePort() != null
        && "FROM_PROTOCOL_DEFAULT".equals(redirect.derivePort().asText())) {
      b.setPortRedirect("https".equalsIgnoreCase(redirect.scheme()) ? 443 : 80);
    }
    switch (redirect.redirectCode()) {
      case 0:
      case 301:
        break;
      case 302:
        b.setResponseCode(RedirectAction.RedirectResponseCode.FOUND);
        break;
      case 303:
        b.setResponseCode(RedirectAction.RedirectResponseCode.SEE_OTHER);
        break;
      case 307:
        b.setResponseCode(RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT);
        break;
      case 308:
        b.setResponseCode(RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT);
        break;
      default:
        log.warn("{}.redirectCode: {} is not a redirect code (301, 302, 303, 307, 308); 301 used",
            where, redirect.redirectCode());
    }
    return b.build();
  }

  private static DirectResponseAction directResponse(HttpDirectResponse response, String where) {
    DirectResponseAction.Builder d = DirectResponseAction.newBuilder().setStatus(response.status());
    JsonNode body = response.body();
    if (body != null && body.hasNonNull("string")) {
      d.setBody(DataSource.newBuilder().setInlineString(body.get("string").asText()));
    } else if (body != null && body.hasNonNull("bytes")) {
      try {
        d.setBody(
            DataSource.newBuilder()
                .setInlineBytes(
                    ByteString.copyFrom(Base64.getDecoder().decode(body.get("bytes").asText()))));
      } catch (IllegalArgumentException e) {
        log.warn("{}.body.bytes: not base64 ({}); no body", where, e.getMessage());
      }
    }
    return d.build();
  }
}
