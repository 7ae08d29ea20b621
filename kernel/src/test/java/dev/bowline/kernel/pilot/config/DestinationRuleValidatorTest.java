package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.CheckedYaml.errors;
import static dev.bowline.kernel.pilot.config.CheckedYaml.resource;
import static dev.bowline.kernel.pilot.config.CheckedYaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationRuleValidatorTest {

  private static String rule(String spec) {
    return resource("networking.istio.io/v1", "DestinationRule", spec);
  }

  @Test
  void acceptsTheBookinfoReviewsRule() {
    assertThat(errors(BookinfoYaml.REVIEWS_DESTINATION_RULE)).isEmpty();
    assertThat(warnings(BookinfoYaml.REVIEWS_DESTINATION_RULE)).isEmpty();
  }

  @Test
  void requiresAValidHost() {
    assertThat(errors(rule("subsets: [{name: v1, labels: {version: v1}}]\n"))).containsExactly("spec.host: required");
    assertThat(errors(rule("host: \"reviews..default\"\n"))).containsExactly(
        "spec.host: \"reviews..default\" is not a valid host name (label \"\")");
    assertThat(errors(rule("host: \"*.example.com\"\n"))).isEmpty();
  }

  @Test
  void requiresUniqueSubsetNamesThatAreDnsLabels() {
    assertThat(errors(rule("""
        host: reviews
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v1
          labels: {version: v2}
        - labels: {version: v3}
        - name: V4
        - name: ""
        """))).containsExactly(
            "spec.subsets[1].name: duplicate subset name \"v1\" (also subsets[0])",
            "spec.subsets[2].name: required",
            "spec.subsets[3].name: \"V4\" is not a valid subset name (a DNS-1123 label)",
            "spec.subsets[4].name: required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"UNSPECIFIED", "ROUND_ROBIN", "LEAST_CONN", "LEAST_REQUEST", "RANDOM", "PASSTHROUGH"})
  void acceptsEverySimpleLoadBalancer(String simple) {
    assertThat(errors(rule("host: reviews\ntrafficPolicy:\n  loadBalancer: {simple: " + simple + "}\n"))).isEmpty();
  }

  @Test
  void refusesAnUnknownLoadBalancer() {
    assertThat(errors(rule("host: reviews\ntrafficPolicy:\n  loadBalancer: {simple: round_robin}\n")))
        .containsExactly("spec.trafficPolicy.loadBalancer.simple: must be one of UNSPECIFIED, ROUND_ROBIN,"
            + " LEAST_CONN, LEAST_REQUEST, RANDOM, PASSTHROUGH, found \"round_robin\"");
    assertThat(warnings(rule("host: reviews\ntrafficPolicy:\n  loadBalancer: {simple: LEAST_CONN}\n")))
        .containsExactly("spec.trafficPolicy.loadBalancer.simple: LEAST_CONN is deprecated; it means LEAST_REQUEST");
  }

  @Test
  void requiresConnectionPoolNumbersNotNegativeAndValidDurations() {
    assertThat(errors(rule("""
        host: reviews
        trafficPolicy:
          connectionPool:
            tcp: {maxConnections: -1, connectTimeout: 30}
            http: {http1MaxPendingRequests: -2, http2MaxRequests: -3, maxRequestsPerConnection: -4, maxRetries: -5,
                   idleTimeout: 0s}
        """))).containsExactly(
            "spec.trafficPolicy.connectionPool.tcp.connectTimeout: expected a string, found a number (30); quote the"
                + " value so YAML reads it as a string");
    assertThat(errors(rule("""
        host: reviews
        trafficPolicy:
          connectionPool:
            tcp: {maxConnections: -1, connectTimeout: 30ms}
            http: {http1MaxPendingRequests: -2, http2MaxRequests: -3, maxRequestsPerConnection: -4, maxRetries: -5,
                   idleTimeout: 0s}
        """))).containsExactly(
            "spec.trafficPolicy.connectionPool.tcp.maxConnections: must not be negative, found -1",
            "spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests: must not be negative, found -2",
            "spec.trafficPolicy.connectionPool.http.http2MaxRequests: must not be negative, found -3",
            "spec.trafficPolicy.connectionPool.http.maxRequestsPerConnection: must not be negative, found -4",
            "spec.trafficPolicy.connectionPool.http.maxRetries: must not be negative, found -5",
            "spec.trafficPolicy.connectionPool.http.idleTimeout: must be at least 1ms, found 0s");
    assertThat(errors(rule("""
        host: reviews
        trafficPolicy:
          connectionPool:
            tcp: {maxConnections: 100, connectTimeout: 30ms}
            http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1, idleTimeout: 1h}
        """))).isEmpty();
  }

  @Test
  void checksSubsetPoliciesAndRefusesEmptyOnes() {
    assertThat(errors(rule("""
        host: reviews
        trafficPolicy: {}
        subsets:
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            connectionPool: {}
        """))).containsExactly(
            "spec.trafficPolicy: a traffic policy must set at least one field",
            "spec.subsets[0].trafficPolicy.connectionPool: a connection pool must set tcp or http");
  }

  @Test
  void warnsAboutExportTo() {
    String yaml = rule("host: reviews\nexportTo: [\".\"]\n");
    assertThat(errors(yaml)).isEmpty();
    assertThat(warnings(yaml)).containsExactly("spec.exportTo: not applied by Bowline yet (accepted and stored):"
        + " every resource is visible in every namespace");
    assertThat(errors(rule("host: reviews\nexportTo: [\"*\", \"Bad\"]\n"))).containsExactly(
        "spec.exportTo[1]: \"Bad\" is not \".\", \"*\" or a namespace",
        "spec.exportTo: \"*\" cannot be combined with other entries");
  }
}
