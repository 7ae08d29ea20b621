package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.CheckedYaml.errors;
import static dev.bowline.kernel.pilot.config.CheckedYaml.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.istio.HealthCheckAnnotation;
import dev.bowline.kernel.pilot.istio.LocalRateLimitAnnotation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bowline's annotations on Istio resources: {@code bowline.dev/health-check} on DestinationRules
 * and {@code bowline.dev/local-rate-limit} on VirtualServices are checked at apply time, each bad
 * value an error naming the annotation and the field.
 */
class BowlineAnnotationsTest {

  private static String destinationRule(String annotation) {
    return "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n"
        + "  annotations:\n    bowline.dev/health-check: |\n"
        + annotation.stripIndent().indent(6)
        + "spec:\n  host: reviews\n";
  }

  private static String virtualService(String annotation) {
    return "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n"
        + "  annotations:\n    bowline.dev/local-rate-limit: |\n"
        + annotation.stripIndent().indent(6)
        + "spec:\n  hosts: [reviews]\n  http:\n  - name: api\n    route: [{destination: {host: reviews}}]\n";
  }

  private static final String HC = "metadata.annotations[\"bowline.dev/health-check\"]";
  private static final String RL = "metadata.annotations[\"bowline.dev/local-rate-limit\"]";

  @Test
  void acceptsGoodValuesWithoutWarningsAndReadsThemBack() {
    String dr = destinationRule("""
        http: {path: /health, expectedStatuses: [200]}
        interval: 5s
        timeout: 1s
        healthyThreshold: 1
        unhealthyThreshold: 2
        """);
    assertThat(errors(dr)).isEmpty();
    assertThat(warnings(dr)).isEmpty();
    assertThat(errors(destinationRule("{tcp: {}}"))).isEmpty();
    assertThat(errors(destinationRule("{grpc: {service: \"\"}}"))).isEmpty();

    String vs = virtualService("""
        tokens: 100
        fillInterval: 1s
        tokensPerFill: 100
        perClient: {header: x-user}
        routes:
          api: {tokens: 10, fillInterval: 100ms, perClient: {sourceIp: true}}
        """);
    assertThat(errors(vs)).isEmpty();
    assertThat(warnings(vs)).isEmpty();

    HealthCheckAnnotation hc =
        BowlineAnnotations.healthCheck(
                Map.of(BowlineAnnotations.HEALTH_CHECK, "{http: {path: /h}, interval: 2s}"))
            .orElseThrow();
    assertThat(hc.http().path()).isEqualTo("/h");
    assertThat(hc.interval()).isEqualTo("2s");
    LocalRateLimitAnnotation rl =
        BowlineAnnotations.localRateLimit(
                Map.of(BowlineAnnotations.LOCAL_RATE_LIMIT,
                    "{tokens: 3, fillInterval: 1s, routes: {a: {tokens: 1, fillInterval: 1m}}}"))
            .orElseThrow();
    assertThat(rl.bucketFor("a").tokens()).isEqualTo(1);
    assertThat(rl.bucketFor("b").tokens()).isEqualTo(3);
    assertThat(rl.bucketFor("b").effectiveTokensPerFill()).isEqualTo(3);
    assertThat(BowlineAnnotations.healthCheck(Map.of(BowlineAnnotations.HEALTH_CHECK, "{tcp: 1}")))
        .as("an invalid value is never read").isEmpty();
  }

  @Test
  void rejectsBadHealthChecksNamingTheField() {
    assertThat(errors(destinationRule("""
        http: {expectedStatuses: [700], port: 80}
        tcp: {timeout: 1s}
        interval: soon
        healthyThreshold: 0
        unhealthyThreshold: "2"
        """))).containsExactly(
            HC + ".http.port: unknown field",
            HC + ".tcp.timeout: unknown field",
            HC + ".unhealthyThreshold: expected a whole number, found a string (\"2\")");
    assertThat(errors(destinationRule("""
        http: {path: health, expectedStatuses: [700]}
        tcp: {}
        interval: soon
        healthyThreshold: 0
        """))).containsExactly(
            HC + ": only one of http, tcp or grpc may be set, found http and tcp",
            HC + ".http.path: must start with /, found \"health\"",
            HC + ".http.expectedStatuses[0]: must be an HTTP status from 100 to 599, found 700",
            HC + ".interval: \"soon\" is not a duration (write for example 5s, 0.5s, 100ms, 1m or 1h)",
            HC + ".healthyThreshold: must be at least 1, found 0");
    assertThat(errors(destinationRule("interval: 5s")))
        .containsExactly(HC + ": one of http, tcp or grpc is required");
    assertThat(errors(destinationRule("[http]")))
        .containsExactly(HC + ": expected a mapping, found a list");
    assertThat(errors(destinationRule("{http: [")))
        .singleElement().asString().startsWith(HC + ": not valid YAML or JSON: ");
  }

  @Test
  void rejectsBadRateLimits() {
    assertThat(errors(virtualService("""
        tokens: 0
        fillInterval: 10ms
        tokensPerFill: -1
        perClient: {header: "x user", sourceIp: true}
        routes:
          nope: {fillInterval: 1s}
        """))).containsExactly(
            RL + ".tokens: must be at least 1, found 0",
            RL + ".fillInterval: must be at least 50ms, found 10ms",
            RL + ".tokensPerFill: must be at least 1, found -1",
            RL + ".perClient: set exactly one of header or sourceIp: true",
            RL + ".perClient.header: \"x user\" is not a valid header name (letters, digits, '-' and '_')",
            RL + ".routes.nope: no HTTP rule of this VirtualService is named \"nope\" (spec.http[].name)",
            RL + ".routes.nope.tokens: required");
    assertThat(errors(virtualService("{perClient: {}}"))).containsExactly(
        RL + ".tokens: required",
        RL + ".fillInterval: required",
        RL + ".perClient: set exactly one of header or sourceIp: true");
    assertThat(errors(virtualService("{routes: {}}")))
        .containsExactly(RL + ": set tokens and fillInterval, or buckets per route in routes");
  }

  @Test
  void anAnnotationOnTheWrongKindOrAnUnknownBowlineAnnotationIsAnError() {
    String vsWithHealthCheck =
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\n"
            + "  annotations:\n    bowline.dev/health-check: '{tcp: {}}'\n    bowline.dev/retry-budget: x\n"
            + "    example.com/anything: kept\n"
            + "spec:\n  hosts: [r]\n  http:\n  - route: [{destination: {host: r}}]\n";
    assertThat(errors(vsWithHealthCheck)).containsExactly(
        HC + ": applies to a DestinationRule, not a VirtualService",
        "metadata.annotations[\"bowline.dev/retry-budget\"]: unknown Bowline annotation (known:"
            + " bowline.dev/health-check, bowline.dev/local-rate-limit)");
    assertThat(errors(
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\n"
            + "  annotations: {bowline.dev/local-rate-limit: 5}\n"
            + "spec:\n  hosts: [r]\n  http:\n  - route: [{destination: {host: r}}]\n"))
        .containsExactly("metadata.annotations[\"bowline.dev/local-rate-limit\"]: expected a string,"
            + " found a number (5); write the value as a quoted string or a YAML block (|)");
  }

  @Test
  void theStoreRejectsABadAnnotationNamingTheResourceAndKeepsAGoodOne() {
    ConfigStore store = new ConfigStore(MeshSettings.DEFAULTS, java.util.Optional.empty());
    List<ApplyOutcome> bad = store.apply("dr.yaml", destinationRule("{http: {}}"), "api");
    assertThat(bad.get(0).action()).isEqualTo(ApplyOutcome.Action.REJECTED);
    assertThat(bad.get(0).errorMessages())
        .containsExactly("DestinationRule default/reviews: " + HC + ".http.path: required");
    List<ApplyOutcome> good = store.apply("dr.yaml", destinationRule("{tcp: {}}"), "api");
    assertThat(good.get(0).action()).isEqualTo(ApplyOutcome.Action.CREATED);
    List<ApplyOutcome> same = store.apply("dr.yaml", destinationRule("{tcp: {}}"), "api");
    assertThat(same.get(0).action()).isEqualTo(ApplyOutcome.Action.UNCHANGED);
    List<ApplyOutcome> changed =
        store.apply("dr.yaml", destinationRule("{tcp: {}, interval: 3s}"), "api");
    assertThat(changed.get(0).action())
        .as("an annotation change is a change").isEqualTo(ApplyOutcome.Action.CONFIGURED);
    assertThat(store.snapshot().all().values().iterator().next().annotations())
        .containsEntry(BowlineAnnotations.HEALTH_CHECK, "{tcp: {}, interval: 3s}\n");
  }
}
