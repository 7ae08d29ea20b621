package dev.bowline.proxy.filter.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.FilterYaml;
import dev.bowline.proxy.filter.TestFilterRequest;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which HTTPFault fields are accepted, how the rest is refused, and how faults are drawn. */
class FaultConfigCompilerTest {

  private static FaultConfig compile(String yaml) {
    Problems problems = new Problems();
    FaultConfig c = FaultConfigCompiler.compile(parse(yaml), "fault", problems);
    assertThat(problems.list()).isEmpty();
    return c;
  }

  private static List<String> problems(String yaml) {
    Problems problems = new Problems();
    FaultConfig c = FaultConfigCompiler.compile(parse(yaml), "fault", problems);
    assertThat(c).isNull();
    return problems.list();
  }

  private static HTTPFault parse(String yaml) {
    return FilterYaml.parse(yaml, HTTPFault.newBuilder());
  }

  @Test
  void anEmptyFaultInjectsNothing() {
    assertThat(compile("{}").isEmpty()).isTrue();
  }

  @Test
  void aFullDelayAndAnAbortAreAlwaysDrawn() {
    FaultConfig c =
        compile(
            """
            delay: {fixed_delay: 0.2s, percentage: {numerator: 100, denominator: HUNDRED}}
            abort: {http_status: 503, percentage: {numerator: 1000000, denominator: MILLION}}
            """);
    for (int i = 0; i < 100; i++) {
      assertThat(c.drawDelay()).isEqualTo(Duration.ofMillis(200));
      assertThat(c.drawAbort()).isEqualTo(FaultConfig.Abort.http(503));
    }
  }

  @Test
  void aZeroOrAbsentPercentageNeverFaultsAsInEnvoy() {
    FaultConfig c =
        compile(
            """
            delay: {fixed_delay: 1s, percentage: {numerator: 0}}
            abort: {http_status: 500}
            """);
    for (int i = 0; i < 1000; i++) {
      assertThat(c.drawDelay()).isZero();
      assertThat(c.drawAbort()).isNull();
    }
  }

  @Test
  void aGrpcAbortIsAStatusInAnHttp200() {
    FaultConfig.Abort abort =
        compile("abort: {grpc_status: 14, percentage: {numerator: 100}}").abort();
    assertThat(abort.isGrpc()).isTrue();
    assertThat(abort.httpStatus()).isEqualTo(200);
    assertThat(abort.grpcStatus()).isEqualTo(14);
  }

  @Test
  void headerMatchersRestrictWhichRequestsAreConcerned() {
    FaultConfig c =
        compile(
            """
            abort: {http_status: 418, percentage: {numerator: 100}}
            headers:
            - {name: x-chaos, string_match: {exact: "on"}}
            - {name: x-canary, present_match: true}
            """);
    assertThat(c.concerns(TestFilterRequest.get())).isFalse();
    assertThat(c.concerns(TestFilterRequest.get().header("x-chaos", "on"))).isFalse();
    assertThat(c.concerns(TestFilterRequest.get().header("x-chaos", "on").header("x-canary", "1")))
        .isTrue();
    assertThat(c.concerns(TestFilterRequest.get().header("x-chaos", "off").header("x-canary", "1")))
        .isFalse();
  }

  @Test
  void unsupportedFieldsAreRefusedByName() {
    assertThat(
            problems(
                """
                delay: {header_delay: {}}
                abort: {header_abort: {}}
                upstream_cluster: c
                downstream_nodes: [n]
                max_active_faults: 5
                response_rate_limit: {fixed_limit: {limit_kbps: 1}}
                delay_percent_runtime: r
                filter_metadata: {a: b}
                disable_downstream_cluster_stats: true
                """))
        .contains(
            "fault.delay.header_delay: not supported by Bowline yet",
            "fault.abort.header_abort: not supported by Bowline yet",
            "fault.upstream_cluster: not supported by Bowline yet",
            "fault.downstream_nodes: not supported by Bowline yet",
            "fault.max_active_faults: not supported by Bowline yet",
            "fault.response_rate_limit: not supported by Bowline yet",
            "fault.delay_percent_runtime: not supported by Bowline yet",
            "fault.filter_metadata: not supported by Bowline yet",
            "fault.disable_downstream_cluster_stats: not supported by Bowline yet");
  }

  @Test
  void headerMatchersFollowTheRoutesRules() {
    assertThat(problems("headers: [{name: a, range_match: {start: 1, end: 2}}]"))
        .containsExactly("fault.headers[0].range_match: not supported by Bowline");
    assertThat(problems("headers: [{name: a, safe_regex_match: {regex: '('}}]").get(0))
        .startsWith("fault.headers[0].safe_regex_match.regex: invalid RE2");
  }

  @Test
  void badValuesAreReportedWithTheirPaths() {
    assertThat(
            problems(
                """
                delay: {percentage: {numerator: 1}}
                abort: {percentage: {numerator: 1}}
                """))
        .containsExactly(
            "fault.delay.fixed_delay: required",
            "fault.abort: one of http_status or grpc_status is required");
    assertThat(problems("delay: {fixed_delay: 0s}\nabort: {http_status: 600}"))
        .containsExactly(
            "fault.delay.fixed_delay: must be greater than 0s",
            "fault.abort.http_status: must be from 200 to 599, not 600");
  }
}
