package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.CheckedYaml.errors;
import static dev.bowline.kernel.pilot.config.CheckedYaml.virtualService;
import static dev.bowline.kernel.pilot.config.CheckedYaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VirtualServiceValidatorTest {

  /** A rule routing everything to reviews, under {@code hosts: [reviews]}, with {@code extra} rule fields. */
  private static String rule(String extra) {
    return virtualService("hosts: [reviews]\nhttp:\n- route:\n  - destination: {host: reviews}\n"
        + extra.stripIndent().lines().map(l -> "  " + l + "\n").reduce("", String::concat));
  }

  @Test
  void acceptsTheBookinfoVirtualServicesWithoutWarnings() {
    assertThat(errors(BookinfoYaml.REVIEWS_VIRTUAL_SERVICE)).isEmpty();
    assertThat(warnings(BookinfoYaml.REVIEWS_VIRTUAL_SERVICE)).isEmpty();
    assertThat(errors(BookinfoYaml.REVIEWS_50_V3)).isEmpty();
    assertThat(warnings(BookinfoYaml.REVIEWS_50_V3)).isEmpty();
  }

  @Test
  void requiresHosts() {
    assertThat(errors(virtualService("hosts: []\nhttp:\n- route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.hosts: at least one host is required");
    assertThat(errors(virtualService("http:\n- route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.hosts: at least one host is required");
  }

  @Test
  void checksHostNames() {
    assertThat(errors(virtualService("hosts: [\"re_views\"]\nhttp:\n- route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.hosts[0]: \"re_views\" is not a valid host name (label \"re_views\")");
    assertThat(errors(virtualService("hosts: [reviews, Reviews]\nhttp:\n- route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.hosts[1]: duplicate host \"Reviews\" (also hosts[0])");
    assertThat(errors(virtualService("hosts: [\"*.example.com\", 10.0.0.1]\ngateways: [gw]\n"
        + "http:\n- route:\n  - destination: {host: reviews}\n"))).isEmpty();
  }

  @Test
  void refusesTheWildcardHostOnTheMeshButNotOnAGateway() {
    assertThat(errors(virtualService("hosts: [\"*\"]\nhttp:\n- route:\n  - destination: {host: reviews}\n")))
        .singleElement().asString().startsWith("spec.hosts[0]: the wildcard host * is not allowed");
    assertThat(errors(virtualService("hosts: [\"*\"]\ngateways: [mesh, gw]\nhttp:\n- route:\n  - destination: {host: reviews}\n")))
        .hasSize(1);
    assertThat(errors(BookinfoYaml.BOOKINFO_GATEWAY.substring(BookinfoYaml.BOOKINFO_GATEWAY.indexOf("---\n") + 4)))
        .isEmpty();
  }

  @Test
  void checksGatewayReferences() {
    assertThat(errors(virtualService("hosts: [a.com]\ngateways: [Istio-System/gw, \"bad name\", istio-system/ingress, mesh]\n"
        + "http:\n- route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.gateways[0]: \"Istio-System\" in \"Istio-System/gw\" is not a valid namespace",
            "spec.gateways[1]: \"bad name\" is not a valid gateway name");
    assertThat(warnings(virtualService("hosts: [a.com]\ngateways: [ingress.istio-system.svc.cluster.local]\n"
        + "http:\n- route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.gateways[0]: legacy gateway name \"ingress.istio-system.svc.cluster.local\"; prefer"
            + " the <namespace>/<name> form: \"istio-system/ingress\"");
  }

  @Test
  void requiresSomeRules() {
    assertThat(errors(virtualService("hosts: [reviews]\n")))
        .containsExactly("spec: at least one of http, tcp or tls is required");
  }

  @Test
  void requiresExactlyOneActionPerHttpRule() {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match: [{uri: {prefix: /}}]\n")))
        .containsExactly("spec.http[0]: one of route, redirect or directResponse is required");
    assertThat(errors(rule("redirect: {uri: /v2}")))
        .containsExactly("spec.http[0]: only one of route, redirect or directResponse may be set, found route and redirect");
    assertThat(errors(rule("directResponse: {status: 503}")))
        .containsExactly("spec.http[0]: only one of route, redirect or directResponse may be set, found route and directResponse");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- redirect: {uri: /v2, redirectCode: 308}\n"
        + "- directResponse: {status: 503}\n"))).isEmpty();
  }

  @Test
  void requiresADestinationHost() {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- route:\n  - destination: {subset: v1}\n")))
        .containsExactly("spec.http[0].route[0].destination.host: required");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- route:\n  - weight: 100\n")))
        .containsExactly("spec.http[0].route[0].destination: required");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- route:\n  - destination: {host: \"*\"}\n")))
        .containsExactly("spec.http[0].route[0].destination.host: must name a service, not *");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- route:\n  - destination: {host: reviews, subset: V1}\n")))
        .containsExactly("spec.http[0].route[0].destination.subset: \"V1\" is not a valid subset name (a DNS-1123 label)");
  }

  @Test
  void requiresWeightsOfSeveralDestinationsToSumTo100() {
    assertThat(errors(BookinfoYaml.REVIEWS_50_V3.replaceFirst("weight: 50\n", "weight: 40\n")))
        .containsExactly("spec.http[0].route: weights sum to 90, not 100");
    assertThat(errors(BookinfoYaml.REVIEWS_50_V3.replaceAll(" *weight: 50\n", "")))
        .containsExactly("spec.http[0].route: weights sum to 0, not 100");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- route:\n  - destination: {host: reviews}\n    weight: 0\n")))
        .isEmpty();
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- route:\n  - destination: {host: reviews}\n    weight: 100\n")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 101})
  void requiresWeightsFrom0To100(int weight) {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- route:\n  - destination: {host: reviews}\n    weight: "
        + weight + "\n"))).containsExactly("spec.http[0].route[0].weight: must be between 0 and 100, found " + weight);
  }

  @Test
  void requiresExactlyOneAlternativePerStringMatch() {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match:\n  - uri: {}\n  route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.http[0].match[0].uri: one of exact, prefix or regex is required");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match:\n  - uri: {exact: /a, prefix: /b}\n"
        + "  route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.http[0].match[0].uri: only one of exact, prefix or regex may be set, found exact and prefix");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match:\n  - queryParams: {debug: {}}\n"
        + "  route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.http[0].match[0].queryParams.debug: one of exact, prefix or regex is required");
  }

  @Test
  void takesAnEmptyHeaderMatchAsPresence() {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match:\n  - headers: {x-canary: {}}\n"
        + "    withoutHeaders: {x-debug: {}}\n  route:\n  - destination: {host: reviews}\n"))).isEmpty();
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match:\n  - headers: {\"x canary\": {exact: a}}\n"
        + "  route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.http[0].match[0].headers[\"x canary\"]: \"x canary\" is not a valid header name"
            + " (letters, digits, '-' and '_')");
  }

  @Test
  void refusesAnEmptyPrefix() {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match:\n  - uri: {prefix: \"\"}\n"
        + "  route:\n  - destination: {host: reviews}\n")))
        .containsExactly("spec.http[0].match[0].uri.prefix: must not be empty");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "(unclosed| missing closing )",
    "(a)\\1| invalid escape sequence",
    "x(?=y)| invalid or unsupported Perl syntax"})
  void refusesRegexesThatAreNotRe2(String regex, String reason) {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match:\n  - uri: {regex: '" + regex + "'}\n"
        + "  route:\n  - destination: {host: reviews}\n")))
        .singleElement().asString()
        .startsWith("spec.http[0].match[0].uri.regex: not a valid RE2 regular expression:")
        .contains(reason.strip());
  }

  @Test
  void acceptsRe2Regexes() {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match:\n  - uri: {regex: '^/api/v[0-9]+/.*'}\n"
        + "    headers: {user-agent: {regex: '.*Chrome.*'}}\n  route:\n  - destination: {host: reviews}\n"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"3s", "0.5s", "100ms", "1m", "1h", "1h30m", "1.5s"})
  void acceptsDurations(String duration) {
    assertThat(errors(rule("timeout: " + duration))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "3| \"3\" is not a duration (write for example 5s, 0.5s, 100ms, 1m or 1h)",
    "3 s| \"3 s\" is not a duration (write for example 5s, 0.5s, 100ms, 1m or 1h)",
    "-1s| must be at least 1ms, found -1s",
    "0s| must be at least 1ms, found 0s",
    "1.5ms| only millisecond precision is supported, found 1.5ms"})
  void refusesBadDurations(String duration, String message) {
    assertThat(errors(rule("timeout: '" + duration + "'"))).containsExactly("spec.http[0].timeout: " + message);
  }

  @Test
  void checksRedirects() {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- redirect: {uri: /v2, redirectCode: 304}\n")))
        .containsExactly("spec.http[0].redirect.redirectCode: must be one of 301, 302, 303, 307 or 308, found 304");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- redirect: {redirectCode: 302}\n")))
        .containsExactly("spec.http[0].redirect: one of uri, authority, scheme, port or derivePort is required");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- redirect: {scheme: ftp, port: 70000}\n")))
        .containsExactly("spec.http[0].redirect.scheme: must be http or https, found \"ftp\"",
            "spec.http[0].redirect.port: port number must be between 1 and 65535, found 70000");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- redirect: {authority: new.example.com, redirectCode: 301}\n")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {199, 600, 0})
  void requiresADirectResponseStatusFrom200To599(int status) {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- directResponse: {status: " + status + "}\n")))
        .containsExactly("spec.http[0].directResponse.status: must be an HTTP status from 200 to 599, found " + status);
  }

  @Test
  void checksRetries() {
    assertThat(errors(rule("retries: {attempts: -1}"))).containsExactly(
        "spec.http[0].retries.attempts: must not be negative, found -1");
    assertThat(errors(rule("retries: {attempts: 0, perTryTimeout: 2s}"))).containsExactly(
        "spec.http[0].retries: a retry policy is configured but attempts is 0 (retries disabled)");
    assertThat(errors(rule("retries: {attempts: 3, perTryTimeout: '2', retryOn: 'gateway-error,bogus,503'}")))
        .containsExactly(
            "spec.http[0].retries.perTryTimeout: \"2\" is not a duration (write for example 5s, 0.5s, 100ms, 1m or 1h)",
            "spec.http[0].retries.retryOn: \"bogus\" is not a retry policy or an HTTP status");
    assertThat(errors(rule("retries: {attempts: 3, perTryTimeout: 2s, retryOn: 'connect-failure,refused-stream,503'}")))
        .isEmpty();
  }

  @Test
  void checksPortNumbers() {
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match: [{port: 70000}]\n  route:\n"
        + "  - destination: {host: reviews, port: {number: 0}}\n"))).containsExactly(
            "spec.http[0].match[0].port: port number must be between 1 and 65535, found 70000",
            "spec.http[0].route[0].destination.port.number: port number must be between 1 and 65535, found 0");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- match: [{port: 9080}]\n  route:\n"
        + "  - destination: {host: reviews, port: {number: 9080}}\n"))).isEmpty();
  }

  @Test
  void checksHeaderManipulations() {
    assertThat(errors(rule("headers:\n  request:\n    set: {x-version: v2, \":path\": /x}\n    remove: [host]\n"
        + "  response:\n    add: {x-served-by: bowline}\n    remove: [\":status\"]")))
        .containsExactly(
            "spec.http[0].headers.request.set[\":path\"]: header \":path\" cannot be set",
            "spec.http[0].headers.request.remove[0]: header \"host\" cannot be removed",
            "spec.http[0].headers.response.remove[0]: header \":status\" cannot be removed");
    assertThat(errors(rule("headers:\n  request:\n    set: {host: reviews.internal}\n  response:\n    remove: [x-envoy-upstream-service-time]")))
        .isEmpty();
  }

  @Test
  void checksRewrites() {
    assertThat(errors(rule("rewrite: {}"))).containsExactly(
        "spec.http[0].rewrite: one of uri, uriRegexRewrite or authority is required");
    assertThat(errors(virtualService("hosts: [reviews]\nhttp:\n- redirect: {uri: /a}\n  rewrite: {uri: /b}\n")))
        .containsExactly("spec.http[0]: rewrite cannot be combined with redirect");
    assertThat(errors(rule("rewrite: {uri: /v2/}"))).isEmpty();
  }

  @Test
  void checksTcpRules() {
    assertThat(errors(virtualService("hosts: [mongo]\ntcp:\n- match: [{port: 27017, destinationSubnets: [10.0.0.0/40]}]\n"
        + "  route: []\n"))).containsExactly(
            "spec.tcp[0].route: at least one destination is required",
            "spec.tcp[0].match[0].destinationSubnets[0]: \"10.0.0.0/40\" is not an IP address or CIDR block");
    assertThat(errors(virtualService("hosts: [mongo]\ntcp:\n- route:\n  - destination: {host: mongo, subset: v1}\n"
        + "    weight: 80\n  - destination: {host: mongo, subset: v2}\n    weight: 10\n")))
        .containsExactly("spec.tcp[0].route: weights sum to 90, not 100");
    assertThat(errors(virtualService("hosts: [mongo]\ntcp:\n- match: [{port: 27017}]\n  route:\n"
        + "  - destination: {host: mongo.backup.svc.cluster.local, port: {number: 5555}}\n"))).isEmpty();
  }

  @Test
  void warnsAboutRulesNeverReached() {
    assertThat(warnings(virtualService("hosts: [reviews]\nhttp:\n- route:\n  - destination: {host: reviews, subset: v1}\n"
        + "- match: [{uri: {prefix: /v2}}]\n  route:\n  - destination: {host: reviews, subset: v2}\n")))
        .containsExactly("spec.http[1]: never used: http[0] has no match and takes every request; only the last"
            + " rule can have no match");
  }

  @Test
  void tlsRulesNeedSniHostsTheVirtualServiceCovers() {
    String ok = virtualService("""
        hosts: ["*.example.com"]
        gateways: [edge]
        tls:
        - match: [{sniHosts: [a.example.com], port: 443, gateways: [edge]}]
          route: [{destination: {host: a.default.svc.cluster.local}}]
        """);
    assertThat(errors(ok)).isEmpty();
    assertThat(warnings(ok)).isEmpty();

    String bad = virtualService("""
        hosts: [a.example.com]
        gateways: [edge]
        tls:
        - route: [{destination: {host: a}}]
        - match: [{sniHosts: []}, {sniHosts: [b.example.com, "bad host"], port: 70000}]
          route: [{destination: {host: a}, weight: 50}, {destination: {host: b}, weight: 40}]
        """);
    assertThat(errors(bad))
        .anySatisfy(e -> assertThat(e).startsWith("spec.tls[0].match: a TLS rule needs at least one match"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.tls[1].match[0].sniHosts: at least one"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.tls[1].match[1].sniHosts[0]").contains("not covered"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.tls[1].match[1].sniHosts[1]"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.tls[1].match[1].port"))
        .anySatisfy(e -> assertThat(e).startsWith("spec.tls[1].route"));
  }
}
