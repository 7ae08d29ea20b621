package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.CheckedYaml.errors;
import static dev.bowline.kernel.pilot.config.CheckedYaml.resource;
import static dev.bowline.kernel.pilot.config.CheckedYaml.virtualService;
import static dev.bowline.kernel.pilot.config.CheckedYaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Istio's rules for the traffic-management fields Pilot applies: fault injection, mirrors, CORS
 * and retry back-off on VirtualServices; consistent hash, locality load balancing, outlier
 * detection and port level settings on DestinationRules. Each bad value is an error at its path.
 */
class TrafficManagementValidationTest {

  private static String rule(String spec) {
    return resource("networking.istio.io/v1", "DestinationRule", spec);
  }

  @Test
  void acceptsEveryAppliedFieldWithoutWarnings() {
    String vs = virtualService("""
        hosts: [reviews]
        http:
        - match: [{sourceLabels: {app: web}, port: 9080}]
          fault:
            delay: {fixedDelay: 5s, percentage: {value: 0.5}}
            abort: {grpcStatus: UNAVAILABLE, percentage: {value: 1}}
          mirrors:
          - destination: {host: reviews, subset: v2}
            percentage: {value: 10}
          corsPolicy:
            allowOrigins: [{exact: "https://a.example"}, {regex: "https://.*[.]b[.]example"}]
            allowMethods: [GET, POST]
            allowHeaders: [x-user]
            exposeHeaders: [x-request-id]
            maxAge: 1h
            allowCredentials: false
            unmatchedPreflights: IGNORE
          retries: {attempts: 3, retryOn: "5xx,gateway-error,connect-failure,refused-stream,reset,retriable-4xx,retriable-status-codes,cancelled,deadline-exceeded,internal,resource-exhausted,unavailable,409", backoff: 50ms}
          route: [{destination: {host: reviews}}]
        """);
    assertThat(errors(vs)).isEmpty();
    assertThat(warnings(vs)).isEmpty();

    String dr = rule("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            consistentHash:
              httpCookie: {name: session, ttl: 0.5s}
              maglev: {tableSize: 65537}
            localityLbSetting:
              failover: [{from: us-east, to: eu-west}]
              failoverPriority: [version]
          outlierDetection:
            consecutive5xxErrors: 5
            consecutiveGatewayErrors: 2
            interval: 10s
            baseEjectionTime: 30s
            maxEjectionPercent: 100
            minHealthPercent: 0
          portLevelSettings:
          - port: {number: 9080}
            loadBalancer:
              consistentHash: {useSourceIp: true, ringHash: {minimumRingSize: 2048}}
              localityLbSetting:
                distribute: [{from: "us-east/*", to: {"us-east/a": 70, "us-east/b": 30}}]
        """);
    assertThat(errors(dr)).isEmpty();
    assertThat(warnings(dr)).isEmpty();
  }

  @Test
  void rejectsBadFaults() {
    assertThat(errors(virtualService("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          fault: {}
        - route: [{destination: {host: reviews}}]
          fault:
            delay: {percentage: {value: 101}}
            abort: {httpStatus: 99, grpcStatus: NOPE}
        - route: [{destination: {host: reviews}}]
          fault:
            delay: {exponentialDelay: 1s}
            abort: {http2Error: PROTOCOL_ERROR}
        - route: [{destination: {host: reviews}}]
          fault:
            delay: {fixedDelay: soon, percent: 120}
            abort: {percentage: {value: 5}}
        """))).containsExactly(
            "spec.http[0].fault: one of delay or abort is required",
            "spec.http[1].fault.delay.fixedDelay: required",
            "spec.http[1].fault.delay.percentage.value: must be between 0 and 100, found 101.0",
            "spec.http[1].fault.abort.httpStatus: must be an HTTP status from 200 to 599, found 99",
            "spec.http[1].fault.abort.grpcStatus: \"NOPE\" is not a gRPC status name (OK, CANCELLED,"
                + " UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS,"
                + " PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE,"
                + " UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED)",
            "spec.http[1].fault.abort: only one of httpStatus, grpcStatus or http2Error may be set,"
                + " found httpStatus and grpcStatus",
            "spec.http[2].fault.delay.exponentialDelay: not supported (as in Istio); use fixedDelay",
            "spec.http[2].fault.abort.http2Error: not supported (as in Istio); use httpStatus or grpcStatus",
            "spec.http[3].fault.delay.fixedDelay: \"soon\" is not a duration (write for example 5s, 0.5s,"
                + " 100ms, 1m or 1h)",
            "spec.http[3].fault.delay.percent: must be between 0 and 100, found 120",
            "spec.http[3].fault.abort: one of httpStatus or grpcStatus is required");
  }

  @Test
  void rejectsBadMirrorsAndCorsPolicies() {
    assertThat(errors(virtualService("""
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews}}]
          mirror: {host: "*"}
          mirrors: [{destination: {host: reviews}}]
          mirrorPercentage: {value: -1}
        - route: [{destination: {host: reviews}}]
          mirrorPercent: 20
          mirrors: [{percentage: {value: 5}}]
          corsPolicy:
            allowOrigins: [{}]
            allowOrigin: ["https://a.example"]
            allowMethods: [get]
            allowHeaders: ["x user"]
            maxAge: 1500ms
            unmatchedPreflights: DROP
        """))).containsExactly(
            "spec.http[0].mirror.host: must name a service, not *",
            "spec.http[0]: only one of mirror or mirrors may be set",
            "spec.http[0].mirrorPercentage.value: must be between 0 and 100, found -1.0",
            "spec.http[1]: mirrorPercentage and mirrorPercent need mirror (with mirrors, give each its"
                + " percentage)",
            "spec.http[1].mirrors[0].destination: required",
            "spec.http[1].corsPolicy.allowOrigins[0]: one of exact, prefix or regex is required",
            "spec.http[1].corsPolicy: only one of allowOrigins or the deprecated allowOrigin may be set",
            "spec.http[1].corsPolicy.allowMethods[0]: \"get\" is not an HTTP method (GET, HEAD, POST,"
                + " PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH)",
            "spec.http[1].corsPolicy.allowHeaders[0]: \"x user\" is not a valid header name (letters,"
                + " digits, '-' and '_')",
            "spec.http[1].corsPolicy.maxAge: must be whole seconds, found 1500ms",
            "spec.http[1].corsPolicy.unmatchedPreflights: must be one of UNSPECIFIED, FORWARD, IGNORE,"
                + " found \"DROP\"");
  }

  @Test
  void rejectsBadConsistentHashSettings() {
    assertThat(errors(rule("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            simple: ROUND_ROBIN
            consistentHash:
              httpHeaderName: x-user
              httpCookie: {ttl: 1s}
              ringHash: {minimumRingSize: 10000000}
              maglev: {tableSize: 65536}
        subsets:
        - name: v1
          trafficPolicy:
            loadBalancer:
              consistentHash: {useSourceIp: false}
        """))).containsExactly(
            "spec.trafficPolicy.loadBalancer: only one of simple or consistentHash may be set",
            "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name: required",
            "spec.trafficPolicy.loadBalancer.consistentHash: only one hash key may be set, found"
                + " httpHeaderName and httpCookie",
            "spec.trafficPolicy.loadBalancer.consistentHash.ringHash.minimumRingSize: must be between 1"
                + " and 8388608, found 10000000",
            "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: must be a prime number up"
                + " to 5000011, found 65536",
            "spec.trafficPolicy.loadBalancer.consistentHash: only one of ringHash, maglev or"
                + " minimumRingSize may be set, found ringHash and maglev",
            "spec.subsets[0].trafficPolicy.loadBalancer.consistentHash: one of httpHeaderName,"
                + " httpCookie, useSourceIp or httpQueryParameterName is required");
  }

  @Test
  void rejectsBadLocalitySettingsAndWarnsAboutFailoverWithoutOutlierDetection() {
    String dr = rule("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            localityLbSetting:
              distribute:
              - from: us-east/*/a
                to: {"us-east/a": 60, "eu//x": 30}
              - to: {}
              failover: [{from: us-east, to: us-east}, {from: eu/west}]
              failoverPriority: ["-bad"]
        """);
    assertThat(errors(dr)).containsExactly(
        "spec.trafficPolicy.loadBalancer.localityLbSetting: only one of distribute or failover may be set",
        "spec.trafficPolicy.loadBalancer.localityLbSetting: only one of distribute or failoverPriority"
            + " may be set",
        "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].from: \"us-east/*/a\": the"
            + " wildcard * may only be the last part",
        "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to[\"eu//x\"]: \"eu//x\" has"
            + " an empty part",
        "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to: weights sum to 90, not 100",
        "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[1].from: required",
        "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[1].to: at least one locality is"
            + " required",
        "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]: from and to must be different"
            + " regions, found \"us-east\" for both",
        "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[1].from: must be a region (no / or"
            + " *), found \"eu/west\"",
        "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[1].to: required",
        "spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority[0]: label key \"-bad\""
            + " must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter"
            + " or digit, optionally after a DNS prefix and '/'");
    assertThat(warnings(rule("""
        host: reviews
        trafficPolicy:
          loadBalancer:
            localityLbSetting:
              failover: [{from: us-east, to: eu-west}]
        """))).containsExactly(
            "spec.trafficPolicy.loadBalancer.localityLbSetting: failover takes effect only with"
                + " outlierDetection (Istio's rule): without it endpoints are never ejected, so traffic"
                + " never fails over");
  }

  @Test
  void rejectsBadOutlierDetectionAndPortLevelSettings() {
    assertThat(errors(rule("""
        host: reviews
        trafficPolicy:
          outlierDetection:
            consecutive5xxErrors: -1
            interval: 0s
            maxEjectionPercent: 101
            minHealthPercent: -5
          portLevelSettings:
          - port: {number: 9080}
            connectionPool: {tcp: {maxConnections: -3}}
          - port: {number: 9080}
            loadBalancer: {simple: RANDOM}
          - port: {number: 70000}
            outlierDetection: {baseEjectionTime: forever}
          - loadBalancer: {simple: RANDOM}
          - port: {number: 8080}
        """))).containsExactly(
            "spec.trafficPolicy.outlierDetection.consecutive5xxErrors: must not be negative, found -1",
            "spec.trafficPolicy.outlierDetection.interval: must be at least 1ms, found 0s",
            "spec.trafficPolicy.outlierDetection.maxEjectionPercent: must be between 0 and 100, found 101",
            "spec.trafficPolicy.outlierDetection.minHealthPercent: must be between 0 and 100, found -5",
            "spec.trafficPolicy.portLevelSettings[0].connectionPool.tcp.maxConnections: must not be"
                + " negative, found -3",
            "spec.trafficPolicy.portLevelSettings[1].port.number: port 9080 has settings already"
                + " (portLevelSettings[0])",
            "spec.trafficPolicy.portLevelSettings[2].port.number: port number must be between 1 and"
                + " 65535, found 70000",
            "spec.trafficPolicy.portLevelSettings[2].outlierDetection.baseEjectionTime: \"forever\" is"
                + " not a duration (write for example 5s, 0.5s, 100ms, 1m or 1h)",
            "spec.trafficPolicy.portLevelSettings[3].port.number: required",
            "spec.trafficPolicy.portLevelSettings[4]: port level settings must set at least one of"
                + " loadBalancer, connectionPool, outlierDetection or tls");
  }
}
