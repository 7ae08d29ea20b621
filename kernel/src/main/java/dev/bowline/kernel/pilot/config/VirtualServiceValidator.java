package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.index;
import static dev.bowline.kernel.pilot.config.UnappliedFieldScanner.isSet;
import static dev.bowline.kernel.pilot.config.FieldPaths.key;

import dev.bowline.kernel.pilot.istio.StringMatch;
import dev.bowline.kernel.pilot.istio.VirtualService;
import dev.bowline.kernel.pilot.istio.VirtualService.Destination;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpMatchRequest;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRedirect;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRetry;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRewrite;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRoute;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpRouteDestination;
import dev.bowline.kernel.pilot.istio.VirtualService.L4MatchAttributes;
import dev.bowline.kernel.pilot.istio.VirtualService.RouteDestination;
import dev.bowline.kernel.pilot.istio.VirtualService.TcpRoute;
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
 * retries and header manipulations; TCP rules likewise. Warns about the typed fields Bowline does
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

  private VirtualServiceValidator() {}

  static void validate(VirtualService vs, String namespace, Validation v) {
    boolean appliesToMesh = vs.gateways().isEmpty() || vs.gateways().contains(GatewayReference.MESH);
    hosts(vs.hosts(), appliesToMesh, v);
    for (int i = 0; i < vs.gateways().size(); i++) {
      GatewayReference.check(vs.gateways().get(i), index("spec.gateways", i), v);
    }
    if (vs.http().isEmpty() && vs.tcp().isEmpty() && !isSet(vs.tls())) {
      v.error("spec", "at least one of http, tcp or tls is required");
    }
    for (int i = 0; i < vs.http().size(); i++) {
      httpRoute(vs.http().get(i), index("spec.http", i), v);
    }
    unreachableRules(vs.http(), v);
    for (int i = 0; i < vs.tcp().size(); i++) {
      tcpRoute(vs.tcp().get(i), index("spec.tcp", i), v);
    }
    ExportToValidator.check(vs.exportTo(), namespace, "spec.exportTo", false, v);
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
    if (r.redirect() != null && isSet(r.fault())) {
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
    }
    rewrite(r.rewrite(), field(path, "rewrite"), v);
    IstioDuration.check(r.timeout(), field(path, "timeout"), v);
    retries(r.retries(), field(path, "retries"), v);
    HeadersValidator.check(r.headers(), field(path, "headers"), v);
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
      v.notApplied(field(path, "sourceLabels"), "rules match every source");
    }
    if (m.sourceNamespace() != null) {
      if (!KubernetesNames.isDnsLabel(m.sourceNamespace())) {
        v.error(field(path, "sourceNamespace"), "\"" + m.sourceNamespace() + "\" is not a valid namespace");
      }
      v.notApplied(field(path, "sourceNamespace"), "rules match every source");
    }
    for (int i = 0; i < m.gateways().size(); i++) {
      GatewayReference.check(m.gateways().get(i), index(field(path, "gateways"), i), v);
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
    if (r.route().isEmpty()) {
      v.error(field(path, "route"), "at least one destination is required");
    }
    int sum = 0;
    for (int k = 0; k < r.route().size(); k++) {
      RouteDestination d = r.route().get(k);
      String at = index(field(path, "route"), k);
      destination(d.destination(), field(at, "destination"), v);
      sum += weight(d.weight(), field(at, "weight"), v);
    }
    weights(r.route().size(), sum, field(path, "route"), v);
    for (int j = 0; j < r.match().size(); j++) {
      l4Match(r.match().get(j), index(field(path, "match"), j), v);
    }
  }

  private static void l4Match(L4MatchAttributes m, String path, Validation v) {
    for (int i = 0; i < m.destinationSubnets().size(); i++) {
      String subnet = m.destinationSubnets().get(i);
      if (!HostNames.isIpOrCidr(subnet)) {
        v.error(index(field(path, "destinationSubnets"), i), "\"" + subnet + "\" is not an IP address or CIDR block");
      }
    }
    if (m.port() != 0) {
      PortNumbers.check(m.port(), field(path, "port"), v);
    }
    if (!m.sourceLabels().isEmpty()) {
      KubernetesNames.checkLabels(m.sourceLabels(), field(path, "sourceLabels"), v);
      v.notApplied(field(path, "sourceLabels"), "rules match every source");
    }
    if (m.sourceNamespace() != null) {
      v.notApplied(field(path, "sourceNamespace"), "rules match every source");
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
        && !isSet(r.derivePort())) {
      v.error(path, "one of uri, authority, scheme, port or derivePort is required");
    }
    if (r.redirectCode() != 0 && !REDIRECT_CODES.contains(r.redirectCode())) {
      v.error(field(path, "redirectCode"), "must be one of 301, 302, 303, 307 or 308, found " + r.redirectCode());
    }
    if (r.scheme() != null && !r.scheme().equals("http") && !r.scheme().equals("https")) {
      v.error(field(path, "scheme"), "must be http or https, found \"" + r.scheme() + "\"");
    }
    if (r.port() != 0) {
      PortNumbers.check(r.port(), field(path, "port"), v);
      if (isSet(r.derivePort())) {
        v.error(path, "only one of port or derivePort may be set");
      }
    }
  }

  private static void rewrite(HttpRewrite r, String path, Validation v) {
    if (r == null) {
      return;
    }
    boolean regex = isSet(r.uriRegexRewrite());
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

  private static boolean isHttpStatus(String s) {
    if (s.length() != 3 || !s.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int code = Integer.parseInt(s);
    return code >= 100 && code <= 599;
  }
}
