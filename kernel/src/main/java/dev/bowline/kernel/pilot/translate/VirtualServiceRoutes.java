package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.UInt32Value;
import dev.bowline.kernel.pilot.config.BowlineAnnotations;
import dev.bowline.kernel.pilot.istio.DestinationRule;
import dev.bowline.kernel.pilot.istio.DestinationRule.ConsistentHashLb;
import dev.bowline.kernel.pilot.istio.DestinationRule.TrafficPolicy;
import dev.bowline.kernel.pilot.istio.Headers;
import dev.bowline.kernel.pilot.istio.LocalRateLimitAnnotation.Bucket;
import dev.bowline.kernel.pilot.istio.VirtualService;
import dev.bowline.kernel.pilot.istio.VirtualService.Destination;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpDirectResponse;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpMatchRequest;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpMirrorPolicy;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRedirect;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRetry;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRewrite;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRoute;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRouteDestination;
import dev.bowline.kernel.pilot.translate.PushIndex.IndexedVirtualService;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates the HTTP rules of a VirtualService into Envoy routes for one {@link RouteScope}, as
 * Istio does: rules in order, each {@code match} entry its own route (entries are ORed; a rule
 * without match matches everything; an entry for another gateway, port, source or namespace is
 * skipped, and a rule left without entries is skipped whole); destinations to {@code cluster} or
 * {@code weighted_clusters} named {@code outbound|<port>|<subset>|<host>}; redirect, direct
 * response, rewrite, timeout (disabled when absent, as in Istio), retries (Istio's default policy
 * when absent), header operations, mirrors ({@code request_mirror_policies}), the hash policy of
 * destinations balanced by consistent hash, and in {@code typed_per_filter_config} fault injection
 * ({@link FaultInjections}), CORS ({@link CorsPolicies}) and the {@code
 * bowline.dev/local-rate-limit} annotation ({@link LocalRateLimits}).
 *
 * <p>Proxyless gRPC clients refuse a route table holding a redirect or a direct response, so for
 * them such rules are left out, as are CORS and rate limits (filters grpc-java does not have).
 * Thread-safe; hash policies are memoized per destination for the push.
 */
final class VirtualServiceRoutes {

  /** Istio's default {@code retry_on}. */
  static final String DEFAULT_RETRY_ON =
      "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

  /**
   * Envoy's {@code previous_hosts} retry predicate, which Istio puts on every retry policy except
   * on routes to one consistent-hash destination: a retry prefers a host not tried yet.
   */
  static final RetryPolicy.RetryHostPredicate PREVIOUS_HOSTS =
      RetryPolicy.RetryHostPredicate.newBuilder()
          .setName("envoy.retry_host_predicates.previous_hosts")
          .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance()))
          .build();

  /** Istio's default retry policy: 2 retries, 503 retriable, hosts already tried avoided. */
  static final RetryPolicy DEFAULT_RETRY_POLICY =
      RetryPolicy.newBuilder()
          .setRetryOn(DEFAULT_RETRY_ON)
          .setNumRetries(UInt32Value.of(2))
          .addRetriableStatusCodes(503)
          .addRetryHostPredicate(PREVIOUS_HOSTS)
          .build();

  /** Istio's default route timeout: none. */
  static final com.google.protobuf.Duration NO_TIMEOUT = IstioDurations.seconds(0);

  private static final Logger log = LoggerFactory.getLogger(VirtualServiceRoutes.class);

  private final PushIndex index;
  private final Map<List<Object>, Optional<HashPolicy>> hashPolicies = new ConcurrentHashMap<>();

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

  /**
   * Istio's scoping of a match entry: its {@code port} must be the listener's; when it names
   * {@code gateways}, one must be the scope's (and source labels and namespace are not looked at);
   * else the proxy's labels must include {@code sourceLabels} and its namespace be {@code
   * sourceNamespace}.
   */
  private static boolean applies(HttpMatchRequest m, IndexedVirtualService vs, RouteScope scope) {
    if (m.port() > 0 && m.port() != scope.port()) {
      return false;
    }
    if (!m.gateways().isEmpty()) {
      for (String g : m.gateways()) {
        if (PushIndex.resolveGateway(g, vs.namespace()).equals(scope.gateway())) {
          return true;
        }
      }
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
    Bucket bucket = routeFilters(rule, vs, scope, r, where);
    if (rule.redirect() != null) {
      if (scope.proxyless()) {
        log.debug("{}: a redirect is left out of proxyless gRPC routes", where);
        return null;
      }
      return r.setRedirect(redirect(rule.redirect(), scope.port(), where + ".redirect"));
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
    for (HttpRouteDestination d : destinations) {
      HashPolicy hash = hashPolicy(d.destination(), vs, scope);
      if (hash != null) {
        a.addHashPolicy(hash);
      }
    }
    a.setTimeout(timeout(rule.timeout(), where + ".timeout"));
    RetryPolicy retries = retryPolicy(rule.retries(), where + ".retries");
    if (retries != null) {
      if (rule.route().size() == 1 && a.getHashPolicyCount() > 0) {
        // Istio: retries to a consistent-hash destination keep to the hashed host.
        retries = retries.toBuilder().clearRetryHostPredicate().build();
      }
      a.setRetryPolicy(retries);
    }
    rewrite(rule.rewrite(), a, where + ".rewrite");
    mirrors(rule, vs, scope, a);
    if (bucket != null) {
      RateLimit rateLimit = LocalRateLimits.rateLimit(bucket);
      if (rateLimit != null) {
        a.addRateLimits(rateLimit);
      }
    }
    return r.setRoute(a);
  }

  /**
   * Puts the rule's per-route filter configs on {@code r}: fault injection, CORS and the local rate
   * limit of the VirtualService's {@code bowline.dev/local-rate-limit} annotation (CORS and rate
   * limits not for proxyless clients, which know neither filter). Returns the rate limit bucket,
   * whose per-client descriptor the route action must produce, or null.
   */
  private static Bucket routeFilters(
      HttpRoute rule, IndexedVirtualService vs, RouteScope scope, Route.Builder r, String where) {
    if (rule.fault() != null) {
      HTTPFault fault = FaultInjections.of(rule.fault(), where);
      if (fault != null) {
        r.putTypedPerFilterConfig(HttpConnectionManagers.FAULT_FILTER, Any.pack(fault));
      }
    }
    if (scope.proxyless()) {
      return null;
    }
    if (rule.corsPolicy() != null) {
      r.putTypedPerFilterConfig(
          HttpConnectionManagers.CORS_FILTER, Any.pack(CorsPolicies.of(rule.corsPolicy(), where)));
    }
    Bucket bucket = vs.rateLimit() == null ? null : vs.rateLimit().bucketFor(rule.name());
    if (bucket != null) {
      try {
        r.putTypedPerFilterConfig(
            HttpConnectionManagers.LOCAL_RATE_LIMIT_FILTER, Any.pack(LocalRateLimits.perRoute(bucket)));
      } catch (RuntimeException e) {
        log.warn("{}: {}: {}; no rate limit", where, BowlineAnnotations.LOCAL_RATE_LIMIT, e.toString());
        return null;
      }
    }
    return bucket;
  }

  /**
   * Istio's mirrors: {@code mirror} with {@code mirrorPercentage} (per million), else the
   * deprecated {@code mirrorPercent} (per hundred), else 100%; each of {@code mirrors} with its
   * {@code percentage}, else 100%. An explicit 0% mirrors nothing. Traces are not sampled for
   * the copies.
   */
  private void mirrors(
      HttpRoute rule, IndexedVirtualService vs, RouteScope scope, RouteAction.Builder a) {
    if (rule.mirror() != null && rule.mirror().host() != null) {
      FractionalPercent percent;
      if (rule.mirrorPercentage() != null) {
        percent = rule.mirrorPercentage().value() > 0
            ? FaultInjections.perMillion(rule.mirrorPercentage())
            : null;
      } else if (rule.mirrorPercent() != null) {
        percent = rule.mirrorPercent() > 0 ? FaultInjections.perHundred(rule.mirrorPercent()) : null;
      } else {
        percent = FaultInjections.perHundred(100);
      }
      if (percent != null) {
        a.addRequestMirrorPolicies(mirror(clusterName(rule.mirror(), vs, scope), percent));
      }
    }
    for (HttpMirrorPolicy m : rule.mirrors()) {
      if (m == null || m.destination() == null || m.destination().host() == null) {
        continue;
      }
      if (m.percentage() != null && m.percentage().value() <= 0) {
        continue;
      }
      FractionalPercent percent =
          m.percentage() != null
              ? FaultInjections.perMillion(m.percentage())
              : FaultInjections.perHundred(100);
      a.addRequestMirrorPolicies(mirror(clusterName(m.destination(), vs, scope), percent));
    }
  }

  private static RouteAction.RequestMirrorPolicy mirror(String cluster, FractionalPercent percent) {
    return RouteAction.RequestMirrorPolicy.newBuilder()
        .setCluster(cluster)
        .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(percent))
        .setTraceSampled(BoolValue.of(false))
        .build();
  }

  /**
   * The hash policy of a destination whose cluster balances by consistent hash: the hash key of
   * the DestinationRule policy of that cluster (port and subset settings applied), as Istio puts
   * it on every route to such a destination.
   */
  private HashPolicy hashPolicy(Destination d, IndexedVirtualService vs, RouteScope scope) {
    String host = index.mesh().qualify(d.host(), vs.namespace()).toLowerCase(Locale.ROOT);
    int port = d.port() != null && d.port().number() > 0 ? d.port().number() : defaultPort(host, scope);
    return hashPolicy(host, port, d.subset() == null ? "" : d.subset());
  }

  /**
   * The route to the cluster of a service port no VirtualService routes, with the hash policy of
   * its DestinationRule's consistent hash (Istio's default route).
   */
  Route defaultRoute(Service service, int port) {
    String host = service.hostname().value();
    Route route = defaultRoute(ClusterNames.outbound(port, "", host));
    HashPolicy hash = hashPolicy(host, port, "");
    if (hash == null) {
      return route;
    }
    Route.Builder b = route.toBuilder();
    b.getRouteBuilder().addHashPolicy(hash);
    return b.build();
  }

  private HashPolicy hashPolicy(String host, int port, String subset) {
    Service service = index.service(host).orElse(null);
    if (service == null) {
      return null;
    }
    List<Object> key = List.of(host, port, subset);
    return hashPolicies
        .computeIfAbsent(
            key,
            k -> {
              TrafficPolicy policy = index.destinationRule(service)
                  .map(r -> TrafficPolicies.effective(
                      r.spec().trafficPolicy(), subsetPolicy(r.spec(), subset), port))
                  .orElse(null);
              ConsistentHashLb ch =
                  policy == null || policy.loadBalancer() == null
                      ? null
                      : policy.loadBalancer().consistentHash();
              HashPolicy h = ch == null ? null : HashPolicies.of(ch);
              return Optional.ofNullable(h);
            })
        .orElse(null);
  }

  private static TrafficPolicy subsetPolicy(DestinationRule rule, String subset) {
    if (subset.isEmpty()) {
      return null;
    }
    for (DestinationRule.Subset s : rule.subsets()) {
      if (subset.equals(s.name())) {
        return s.trafficPolicy();
      }
    }
    return null;
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
   * are left out (the proxy would refuse the whole route table). Like Istio's, it has the {@code
   * previous_hosts} predicate, which the caller removes for a consistent-hash destination; unlike
   * Istio's, no {@code host_selection_retry_max_attempts} (the proxy's pickers avoid tried hosts
   * whenever another one takes traffic, without a bounded number of attempts).
   */
  static RetryPolicy retryPolicy(HttpRetry retry, String where) {
    if (retry == null) {
      return DEFAULT_RETRY_POLICY;
    }
    if (retry.attempts() <= 0) {
      return null;
    }
    RetryPolicy.Builder p =
        RetryPolicy.newBuilder()
            .setNumRetries(UInt32Value.of(retry.attempts()))
            .addRetryHostPredicate(PREVIOUS_HOSTS);
    if (retry.perTryTimeout() != null) {
      try {
        p.setPerTryTimeout(IstioDurations.toProto(IstioDurations.parse(retry.perTryTimeout())));
      } catch (IllegalArgumentException e) {
        log.warn("{}.perTryTimeout: {}; ignored", where, e.getMessage());
      }
    }
    if (retry.backoff() != null) {
      try {
        p.setRetryBackOff(
            RetryPolicy.RetryBackOff.newBuilder()
                .setBaseInterval(IstioDurations.toProto(IstioDurations.parse(retry.backoff()))));
      } catch (IllegalArgumentException e) {
        log.warn("{}.backoff: {}; ignored", where, e.getMessage());
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
      if (rewrite.uriRegexRewrite() != null) {
        log.warn("{}: uri and uriRegexRewrite are exclusive; uriRegexRewrite ignored", where);
      }
    } else if (rewrite.uriRegexRewrite() != null && rewrite.uriRegexRewrite().match() != null) {
      String match = rewrite.uriRegexRewrite().match();
      String substitution = rewrite.uriRegexRewrite().rewrite();
      try {
        com.google.re2j.Pattern.compile(match);
        a.setRegexRewrite(
            RegexMatchAndSubstitute.newBuilder()
                .setPattern(RegexMatcher.newBuilder().setRegex(match))
                .setSubstitution(substitution == null ? "" : substitution));
      } catch (com.google.re2j.PatternSyntaxException e) {
        log.warn("{}.uriRegexRewrite.match: not valid RE2 ({}); ignored", where, e.getMessage());
      }
    }
    if (rewrite.authority() != null && !rewrite.authority().isEmpty()) {
      a.setHostRewriteLiteral(rewrite.authority());
    }
  }

  private static RedirectAction redirect(HttpRedirect redirect, int requestPort, String where) {
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
    } else if ("FROM_PROTOCOL_DEFAULT".equals(redirect.derivePort())) {
      b.setPortRedirect("https".equalsIgnoreCase(redirect.scheme()) ? 443 : 80);
    } else if ("FROM_REQUEST_PORT".equals(redirect.derivePort())) {
      // Istio: routes are built per listener port, which is the request's port.
      b.setPortRedirect(requestPort);
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
    VirtualService.HttpBody body = response.body();
    if (body != null && body.string() != null) {
      d.setBody(DataSource.newBuilder().setInlineString(body.string()));
    } else if (body != null && body.bytes() != null) {
      try {
        d.setBody(
            DataSource.newBuilder()
                .setInlineBytes(ByteString.copyFrom(Base64.getDecoder().decode(body.bytes()))));
      } catch (IllegalArgumentException e) {
        log.warn("{}.body.bytes: not base64 ({}); no body", where, e.getMessage());
      }
    }
    return d.build();
  }
}
