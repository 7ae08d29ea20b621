package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.index;
import static dev.bowline.kernel.pilot.config.UnappliedFieldScanner.isSet;
import static dev.bowline.kernel.pilot.config.FieldPaths.key;

import dev.bowline.kernel.pilot.istio.GrpcStatusCodes;
import dev.bowline.kernel.pilot.istio.Percent;
import dev.bowline.kernel.pilot.istio.StringMatch;
import dev.bowline.kernel.pilot.istio.VirtualService;
import dev.bowline.kernel.pilot.istio.VirtualService.CorsPolicy;
import dev.bowline.kernel.pilot.istio.VirtualService.Destination;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpFaultInjection;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpMirrorPolicy;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpMatchRequest;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRedirect;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRetry;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRewrite;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRoute;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRouteDestination;
import dev.bowline.kernel.pilot.istio.VirtualService.L4MatchAttributes;
import dev.bowline.kernel.pilot.istio.VirtualService.RouteDestination;
import dev.bowline.kernel.pilot.istio.VirtualService.TcpRoute;
import dev.bowline.kernel.pilot.istio.VirtualService.TlsMatchAttributes;
import dev.bowline.kernel.pilot.istio.VirtualService.TlsRoute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks a VirtualService spec with Istio's rules: hosts, gateway references, and for every HTTP
 * rule its matches, destinations and weights, redirect, direct response, rewrite, timeout,
 * retries, header manipulations, fault injection, mirrors and CORS policy; TCP rules likewise. Warns about the typed fields Bowline does
 * not apply yet. Stateless.
 */
final class VirtualServiceValidator {

  private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);
  private static final Pattern HEADER_NAME = Pattern.compile("[-_A-Za-z0-9]+");
  private static final Set<String> RETRY_ON = Set.of(
      "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx",
      "refused-stream", "retriable-status-codes", "retriable-headers", "envoy-ratelimited",
      "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal",
      "resource-exhausted", "unavailable");

  private static final List<String> HTTP_METHODS = List.of(
      "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  private static final List<String> DERIVE_PORT = List.of("FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT");
  private static final List<String> UNMATCHED_PREFLIGHTS =
      List.of("UNSPECIFIED", "FORWARD", "IGNORE");

  private VirtualServiceValidator() {}

  static void validate(VirtualService vs, String namespace, Validation v) {
    boolean appliesToMesh = vs.gateways().isEmpty() || vs.gateways().contains(GatewayReference.MESH);
    hosts(vs.hosts(), appliesToMesh, v);
    for (int i = 0; i < vs.gateways().size(); i++) {
      GatewayReference.check(vs.gateways().get(i), index("spec.gateways", i), v);
    }
    if (vs.http().isEmpty() && vs.tcp().isEmpty() && vs.tls().isEmpty()) {
      v.error("spec", "at least one of http, tcp or tls is required");
    }
    for (int i = 0; i < vs.http().size(); i++) {
      httpRoute(vs.http().get(i), index("spec.http", i), v);
    }
    unreachableRules(vs.http(), v);
    for (int i = 0; i < vs.tcp().size(); i++) {
      tcpRoute(vs.tcp().get(i), index("spec.tcp", i), v);
    }
    for (int i = 0; i < vs.tls().size(); i++) {
      tlsRoute(vs.tls().get(i), vs.hosts(), index("spec.tls", i), v);
    }
    if (appliesToMesh && !vs.tls().isEmpty()) {
      v.notApplied("spec.tls", "for sidecars (mesh): tls rules apply to gateways' TLS servers in"
          + " PASSTHROUGH mode");
    }
    ExportToValidator.check(vs.exportTo(), namespace, "spec.exportTo", false, true, v);
  }

  private static void hosts(List<String> hosts, boolean appliesToMesh, Validation v) {
    if (hosts.isEmpty()) {
      v.error("spec.hosts", "at least one host is required");
      return;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      String at = index("spec.hosts", i);
      var error = HostNames.wildcardDomainError(host);
      if (error.isPresent() && !HostNames.isIpAddress(host)) {
        v.error(at, error.get());
        continue;
      }
      if (appliesToMesh && host.equals("*")) {
        v.error(at, "the wildcard host * is not allowed for a VirtualService that applies to the mesh"
            + " (sidecars); name the hosts, or bind it to gateways only");
      }
      Integer first = seen.putIfAbsent(host.toLowerCase(Locale.ROOT), i);
      if (first != null) {
        v.error(at, "duplicate host \"" + host + "\" (also hosts[" + first + "])");
      }
    }
  }

  private static void httpRoute(HttpRoute r, String path, Validation v) {
    List<String> actions = new ArrayList<>();
    if (!r.route().isEmpty()) {
      actions.add("route");
    }
    if (r.redirect() != null) {
      actions.add("redirect");
    }
    if (r.directResponse() != null) {
      actions.add("directResponse");
    }
    if (isSet(r.delegate())) {
      actions.add("delegate");
    }
    if (actions.isEmpty()) {
      v.error(path, "one of route, redirect or directResponse is required");
    } else if (actions.size() > 1) {
      v.error(path, "only one of route, redirect or directResponse may be set, found "
          + String.join(" and ", actions));
    }
    if (r.redirect() != null && r.rewrite() != null) {
      v.error(path, "rewrite cannot be combined with redirect");
    }
    if (r.redirect() != null && r.fault() != null) {
      v.error(path, "fault cannot be combined with redirect");
    }
    for (int j = 0; j < r.match().size(); j++) {
      match(r.match().get(j), index(field(path, "match"), j), v);
    }
    httpDestinations(r.route(), field(path, "route"), v);
    redirect(r.redirect(), field(path, "redirect"), v);
    if (r.directResponse() != null) {
      int status = r.directResponse().status();
      if (status < 200 || status > 599) {
        v.error(field(path, "directResponse.status"), "must be an HTTP status from 200 to 599, found " + status);
      }
      VirtualService.HttpBody body = r.directResponse().body();
      if (body != null) {
        if (body.string() != null && body.bytes() != null) {
          v.error(field(path, "directResponse.body"), "only one of string or bytes may be set");
        } else if (body.bytes() != null && !isBase64(body.bytes())) {
          v.error(field(path, "directResponse.body.bytes"), "must be base64");
        }
      }
    }
    rewrite(r.rewrite(), field(path, "rewrite"), v);
    IstioDuration.check(r.timeout(), field(path, "timeout"), v);
    retries(r.retries(), field(path, "retries"), v);
    HeadersValidator.check(r.headers(), field(path, "headers"), v);
    fault(r.fault(), field(path, "fault"), v);
    mirrors(r, path, v);
    cors(r.corsPolicy(), field(path, "corsPolicy"), v);
  }

  private static void fault(HttpFaultInjection f, String path, Validation v) {
    if (f == null) {
      return;
    }
    if (f.delay() == null && f.abort() == null) {
      v.error(path, "one of delay or abort is required");
    }
    HttpFaultInjection.Delay d = f.delay();
    if (d != null) {
      String at = field(path, "delay");
      if (isSet(d.exponentialDelay())) {
        v.error(field(at, "exponentialDelay"), "not supported (as in Istio); use fixedDelay");
      } else if (d.fixedDelay() == null) {
        v.error(field(at, "fixedDelay"), "required");
      }
      IstioDuration.check(d.fixedDelay(), field(at, "fixedDelay"), v);
      percentage(d.percentage(), field(at, "percentage"), v);
      if (d.percent() != null) {
        if (d.percent() < 0 || d.percent() > 100) {
          v.error(field(at, "percent"), "must be between 0 and 100, found " + d.percent());
        }
        if (d.percentage() != null) {
          v.error(at, "only one of percentage or the deprecated percent may be set");
        } else {
          v.warn(field(at, "percent"), "deprecated; use percentage.value");
        }
      }
    }
    HttpFaultInjection.Abort a = f.abort();
    if (a != null) {
      String at = field(path, "abort");
      List<String> kinds = new ArrayList<>();
      if (a.httpStatus() != null) {
        kinds.add("httpStatus");
        if (a.httpStatus() < 200 || a.httpStatus() > 599) {
          v.error(field(at, "httpStatus"), "must be an HTTP status from 200 to 599, found " + a.httpStatus());
        }
      }
      if (a.grpcStatus() != null) {
        kinds.add("grpcStatus");
        if (GrpcStatusCodes.code(a.grpcStatus()).isEmpty()) {
          v.error(field(at, "grpcStatus"), "\"" + a.grpcStatus() + "\" is not a gRPC status name ("
              + String.join(", ", GrpcStatusCodes.names()) + ")");
        }
      }
      if (isSet(a.http2Error())) {
        kinds.add("http2Error");
        v.error(field(at, "http2Error"), "not supported (as in Istio); use httpStatus or grpcStatus");
      }
      if (kinds.isEmpty()) {
        v.error(at, "one of httpStatus or grpcStatus is required");
      } else if (kinds.size() > 1) {
        v.error(at, "only one of httpStatus, grpcStatus or http2Error may be set, found "
            + String.join(" and ", kinds));
      }
      percentage(a.percentage(), field(at, "percentage"), v);
    }
  }

  private static void percentage(Percent p, String path, Validation v) {
    if (p != null && (p.value() < 0 || p.value() > 100 || Double.isNaN(p.value()))) {
      v.error(field(path, "value"), "must be between 0 and 100, found " + p.value());
    }
  }

  private static void mirrors(HttpRoute r, String path, Validation v) {
    if (r.mirror() != null) {
      destination(r.mirror(), field(path, "mirror"), v);
      if (!r.mirrors().isEmpty()) {
        v.error(path, "only one of mirror or mirrors may be set");
      }
    } else if (r.mirrorPercentage() != null || r.mirrorPercent() != null) {
      v.error(path, "mirrorPercentage and mirrorPercent need mirror (with mirrors, give each its percentage)");
    }
    percentage(r.mirrorPercentage(), field(path, "mirrorPercentage"), v);
    if (r.mirrorPercent() != null) {
      if (r.mirrorPercent() < 0 || r.mirrorPercent() > 100) {
        v.error(field(path, "mirrorPercent"), "must be between 0 and 100, found " + r.mirrorPercent());
      }
      v.warn(field(path, "mirrorPercent"), "deprecated; use mirrorPercentage.value");
    }
    for (int i = 0; i < r.mirrors().size(); i++) {
      HttpMirrorPolicy m = r.mirrors().get(i);
      String at = index(field(path, "mirrors"), i);
      if (m == null) {
        v.error(at, "expected a mapping with destination, found null");
        continue;
      }
      destination(m.destination(), field(at, "destination"), v);
      percentage(m.percentage(), field(at, "percentage"), v);
    }
  }

  private static void cors(CorsPolicy c, String path, Validation v) {
    if (c == null) {
      return;
    }
    for (int i = 0; i < c.allowOrigins().size(); i++) {
      StringMatch m = c.allowOrigins().get(i);
      if (m == null) {
        v.error(index(field(path, "allowOrigins"), i), "expected exact, prefix or regex, found null");
      } else {
        StringMatchValidator.check(m, index(field(path, "allowOrigins"), i), false, v);
      }
    }
    if (!c.allowOrigin().isEmpty()) {
      if (!c.allowOrigins().isEmpty()) {
        v.error(path, "only one of allowOrigins or the deprecated allowOrigin may be set");
      } else {
        v.warn(field(path, "allowOrigin"), "deprecated; use allowOrigins with exact matches");
      }
    }
    for (int i = 0; i < c.allowMethods().size(); i++) {
      String m = c.allowMethods().get(i);
      if (m == null || !HTTP_METHODS.contains(m)) {
        v.error(index(field(path, "allowMethods"), i), "\"" + m + "\" is not an HTTP method ("
            + String.join(", ", HTTP_METHODS) + ")");
      }
    }
    headerNames(c.allowHeaders(), field(path, "allowHeaders"), v);
    headerNames(c.exposeHeaders(), field(path, "exposeHeaders"), v);
    IstioDuration.check(c.maxAge(), field(path, "maxAge"), v);
    if (c.maxAge() != null && IstioDuration.parse(c.maxAge()).map(d -> d.getNano() != 0).orElse(false)) {
      v.error(field(path, "maxAge"), "must be whole seconds, found " + c.maxAge());
    }
    if (c.unmatchedPreflights() != null && !UNMATCHED_PREFLIGHTS.contains(c.unmatchedPreflights())) {
      v.error(field(path, "unmatchedPreflights"), "must be one of " + String.join(", ", UNMATCHED_PREFLIGHTS)
          + ", found \"" + c.unmatchedPreflights() + "\"");
    }
  }

  private static void headerNames(List<String> names, String path, Validation v) {
    for (int i = 0; i < names.size(); i++) {
      String h = names.get(i);
      if (h == null || !HEADER_NAME.matcher(h).matches()) {
        v.error(index(path, i), "\"" + h + "\" is not a valid header name (letters, digits, '-' and '_')");
      }
    }
  }

  private static void match(HttpMatchRequest m, String path, Validation v) {
    stringMatch(m.uri(), field(path, "uri"), v);
    stringMatch(m.scheme(), field(path, "scheme"), v);
    stringMatch(m.method(), field(path, "method"), v);
    stringMatch(m.authority(), field(path, "authority"), v);
    headerMatches(m.headers(), field(path, "headers"), v);
    headerMatches(m.withoutHeaders(), field(path, "withoutHeaders"), v);
    for (Map.Entry<String, StringMatch> e : new TreeMap<>(m.queryParams()).entrySet()) {
      StringMatchValidator.check(e.getValue(), key(field(path, "queryParams"), e.getKey()), false, v);
    }
    if (m.port() != 0) {
      PortNumbers.check(m.port(), field(path, "port"), v);
    }
    if (!m.sourceLabels().isEmpty()) {
      KubernetesNames.checkLabels(m.sourceLabels(), field(path, "sourceLabels"), v);
    }
    if (m.sourceNamespace() != null) {
      if (!KubernetesNames.isDnsLabel(m.sourceNamespace())) {
        v.error(field(path, "sourceNamespace"), "\"" + m.sourceNamespace() + "\" is not a valid namespace");
      }
    }
    for (int i = 0; i < m.gateways().size(); i++) {
      GatewayReference.check(m.gateways().get(i), index(field(path, "gateways"), i), v);
    }
    if (!m.gateways().isEmpty() && (!m.sourceLabels().isEmpty() || m.sourceNamespace() != null)) {
      v.warn(path, "sourceLabels and sourceNamespace are not checked when gateways is set (as in Istio)");
    }
  }

  private static void stringMatch(StringMatch m, String path, Validation v) {
    if (m != null) {
      StringMatchValidator.check(m, path, false, v);
    }
  }

  private static void headerMatches(Map<String, StringMatch> headers, String path, Validation v) {
    for (Map.Entry<String, StringMatch> e : new TreeMap<>(headers).entrySet()) {
      String at = key(path, e.getKey());
      if (!HEADER_NAME.matcher(e.getKey()).matches()) {
        v.error(at, "\"" + e.getKey() + "\" is not a valid header name (letters, digits, '-' and '_')");
      }
      StringMatchValidator.check(e.getValue(), at, true, v);
    }
  }

  private static void httpDestinations(List<HttpRouteDestination> route, String path, Validation v) {
    int sum = 0;
    for (int k = 0; k < route.size(); k++) {
      HttpRouteDestination d = route.get(k);
      String at = index(path, k);
      destination(d.destination(), field(at, "destination"), v);
      sum += weight(d.weight(), field(at, "weight"), v);
      HeadersValidator.check(d.headers(), field(at, "headers"), v);
    }
    weights(route.size(), sum, path, v);
  }

  private static void tcpRoute(TcpRoute r, String path, Validation v) {
    l4Destinations(r.route(), field(path, "route"), v);
    for (int j = 0; j < r.match().size(); j++) {
      l4Match(r.match().get(j), index(field(path, "match"), j), v);
    }
  }

  private static void l4Destinations(List<RouteDestination> route, String path, Validation v) {
    if (route.isEmpty()) {
      v.error(path, "at least one destination is required");
    }
    int sum = 0;
    for (int k = 0; k < route.size(); k++) {
      RouteDestination d = route.get(k);
      String at = index(path, k);
      destination(d.destination(), field(at, "destination"), v);
      sum += weight(d.weight(), field(at, "weight"), v);
    }
    weights(route.size(), sum, path, v);
  }

  /**
   * Istio's rules for a TLS rule: at least one match, each naming SNI hosts that the
   * VirtualService's hosts cover; L4 conditions as for TCP.
   */
  private static void tlsRoute(TlsRoute r, List<String> hosts, String path, Validation v) {
    l4Destinations(r.route(), field(path, "route"), v);
    if (r.match().isEmpty()) {
      v.error(field(path, "match"), "a TLS rule needs at least one match (with sniHosts)");
    }
    for (int j = 0; j < r.match().size(); j++) {
      TlsMatchAttributes m = r.match().get(j);
      String at = index(field(path, "match"), j);
      if (m.sniHosts().isEmpty()) {
        v.error(field(at, "sniHosts"), "at least one SNI host is required");
      }
      for (int k = 0; k < m.sniHosts().size(); k++) {
        String sni = m.sniHosts().get(k);
        String sniPath = index(field(at, "sniHosts"), k);
        var error = HostNames.wildcardDomainError(sni);
        if (error.isPresent()) {
          v.error(sniPath, error.get());
        } else if (hosts.stream().noneMatch(h -> HostNames.matches(h, sni))) {
          v.error(sniPath, "\"" + sni + "\" is not covered by the VirtualService's hosts "
              + hosts);
        }
      }
      l4Match(new L4MatchAttributes(m.destinationSubnets(), m.port(), m.sourceLabels(),
          m.gateways(), m.sourceNamespace(), null), at, v);
    }
  }

  private static void l4Match(L4MatchAttributes m, String path, Validation v) {
    for (int i = 0; i < m.destinationSubnets().size(); i++) {
      String subnet = m.destinationSubnets().get(i);
      if (!HostNames.isIpOrCidr(subnet)) {
        v.error(index(field(path, "destinationSubnets"), i), "\"" + subnet + "\" is not an IP address or CIDR block");
      }
    }
    if (!m.destinationSubnets().isEmpty()) {
      v.notApplied(field(path, "destinationSubnets"), "rules match every destination address");
    }
    if (m.port() != 0) {
      PortNumbers.check(m.port(), field(path, "port"), v);
    }
    // sourceLabels and sourceNamespace select sidecars; gateways do not look at them (as Istio).
    KubernetesNames.checkLabels(m.sourceLabels(), field(path, "sourceLabels"), v);
    if (m.sourceNamespace() != null && !KubernetesNames.isDnsLabel(m.sourceNamespace())) {
      v.error(field(path, "sourceNamespace"), "\"" + m.sourceNamespace() + "\" is not a namespace");
    }
    if (m.sourceSubnet() != null) {
      v.notApplied(field(path, "sourceSubnet"), "rules match every source");
    }
    for (int i = 0; i < m.gateways().size(); i++) {
      GatewayReference.check(m.gateways().get(i), index(field(path, "gateways"), i), v);
    }
  }

  private static void destination(Destination d, String path, Validation v) {
    if (d == null) {
      v.error(path, "required");
      return;
    }
    String host = d.host();
    if (host == null || host.isEmpty()) {
      v.error(field(path, "host"), "required");
    } else if (host.equals("*")) {
      v.error(field(path, "host"), "must name a service, not *");
    } else {
      HostNames.wildcardDomainError(host).ifPresent(m -> v.error(field(path, "host"), m));
    }
    if (d.subset() != null && !KubernetesNames.isDnsLabel(d.subset())) {
      v.error(field(path, "subset"), d.subset().isEmpty()
          ? "must not be empty"
          : "\"" + d.subset() + "\" is not a valid subset name (a DNS-1123 label)");
    }
    if (d.port() != null) {
      PortNumbers.check(d.port().number(), field(path, "port.number"), v);
    }
  }

  private static int weight(int weight, String path, Validation v) {
    if (weight < 0 || weight > 100) {
      v.error(path, "must be between 0 and 100, found " + weight);
    }
    return weight;
  }

  private static void weights(int destinations, int sum, String path, Validation v) {
    if (destinations > 1 && sum != 100) {
      v.error(path, "weights sum to " + sum + ", not 100");
    }
  }

  private static void redirect(HttpRedirect r, String path, Validation v) {
    if (r == null) {
      return;
    }
    if (r.uri() == null && r.authority() == null && r.scheme() == null && r.port() == 0
        && r.derivePort() == null) {
      v.error(path, "one of uri, authority, scheme, port or derivePort is required");
    }
    if (r.derivePort() != null && !DERIVE_PORT.contains(r.derivePort())) {
      v.error(field(path, "derivePort"), "must be one of " + String.join(", ", DERIVE_PORT)
          + ", found \"" + r.derivePort() + "\"");
    }
    if (r.redirectCode() != 0 && !REDIRECT_CODES.contains(r.redirectCode())) {
      v.error(field(path, "redirectCode"), "must be one of 301, 302, 303, 307 or 308, found " + r.redirectCode());
    }
    if (r.scheme() != null && !r.scheme().equals("http") && !r.scheme().equals("https")) {
      v.error(field(path, "scheme"), "must be http or https, found \"" + r.scheme() + "\"");
    }
    if (r.port() != 0) {
      PortNumbers.check(r.port(), field(path, "port"), v);
      if (r.derivePort() != null) {
        v.error(path, "only one of port or derivePort may be set");
      }
    }
  }

  private static void rewrite(HttpRewrite r, String path, Validation v) {
    if (r == null) {
      return;
    }
    boolean regex = r.uriRegexRewrite() != null;
    if (regex) {
      if (r.uriRegexRewrite().match() == null || r.uriRegexRewrite().match().isEmpty()) {
        v.error(field(path, "uriRegexRewrite.match"), "required");
      } else {
        StringMatchValidator.checkRegex(r.uriRegexRewrite().match(), field(path, "uriRegexRewrite.match"), v);
      }
      if (r.uriRegexRewrite().rewrite() == null) {
        v.error(field(path, "uriRegexRewrite.rewrite"), "required");
      }
    }
    if (r.uri() != null && regex) {
      v.error(path, "only one of uri or uriRegexRewrite may be set");
    }
    if (r.uri() == null && !regex && r.authority() == null) {
      v.error(path, "one of uri, uriRegexRewrite or authority is required");
    }
  }

  private static void retries(HttpRetry r, String path, Validation v) {
    if (r == null) {
      return;
    }
    if (r.attempts() < 0) {
      v.error(field(path, "attempts"), "must not be negative, found " + r.attempts());
    }
    if (r.attempts() == 0 && (r.perTryTimeout() != null || r.retryOn() != null
        || r.retryRemoteLocalities() != null)) {
      v.error(path, "a retry policy is configured but attempts is 0 (retries disabled)");
    }
    IstioDuration.check(r.perTryTimeout(), field(path, "perTryTimeout"), v);
    IstioDuration.check(r.backoff(), field(path, "backoff"), v);
    if (r.retryRemoteLocalities() != null) {
      v.notApplied(field(path, "retryRemoteLocalities"));
    }
    if (r.retryOn() != null && !r.retryOn().isEmpty()) {
      for (String policy : r.retryOn().split(",", -1)) {
        if (!RETRY_ON.contains(policy) && !isHttpStatus(policy)) {
          v.error(field(path, "retryOn"), "\"" + policy + "\" is not a retry policy or an HTTP status");
        }
      }
    }
  }

  private static void unreachableRules(List<HttpRoute> rules, Validation v) {
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).match().isEmpty() && i < rules.size() - 1) {
        v.warn(index("spec.http", i + 1), "never used: http[" + i
            + "] has no match and takes every request; only the last rule can have no match");
        return;
      }
    }
  }

  private static boolean isBase64(String s) {
    try {
      java.util.Base64.getDecoder().decode(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isHttpStatus(String s) {
    if (s.length() != 3 || !s.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int code = Integer.parseInt(s);
    return code >= 100 && code <= 599;
  }
}
