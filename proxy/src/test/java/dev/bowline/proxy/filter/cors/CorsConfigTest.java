package dev.bowline.proxy.filter.cors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.FilterYaml;
import dev.bowline.proxy.filter.cors.CorsConfig.Verdict;
import dev.bowline.proxy.route.MutableHeaders;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Origin matching, preflight handling and the headers of a CorsPolicy, as Envoy's filter. */
class CorsConfigTest {

  private static CorsConfig compile(String yaml) {
    Problems problems = new Problems();
    CorsConfig c =
        CorsConfigCompiler.compile(FilterYaml.parse(yaml, CorsPolicy.newBuilder()), "cors", problems);
    assertThat(problems.list()).isEmpty();
    return c;
  }

  private static List<String> problems(String yaml) {
    Problems problems = new Problems();
    assertThat(
            CorsConfigCompiler.compile(
                FilterYaml.parse(yaml, CorsPolicy.newBuilder()), "cors", problems))
        .isNull();
    return problems.list();
  }

  /** A header map the config writes into. */
  private static final class Headers implements MutableHeaders {
    final Map<String, String> map = new TreeMap<>();

    @Override
    public String get(String name) {
      return map.get(name);
    }

    @Override
    public void set(String name, String value) {
      map.put(name, value);
    }

    @Override
    public void add(String name, String value) {
      map.merge(name, value, (a, b) -> a + "," + b);
    }

    @Override
    public void remove(String name) {
      map.remove(name);
    }
  }

  private static final String POLICY =
      """
      allow_origin_string_match:
      - exact: https://app.example.com
      - prefix: https://dev.
      - safe_regex: {regex: 'https://[a-z]+\\.partner\\.org'}
      allow_methods: GET,POST
      allow_headers: authorization,content-type
      expose_headers: x-request-id
      max_age: "86400"
      allow_credentials: true
      """;

  @Test
  void originsMatchByTheRoutesStringMatchers() {
    CorsConfig c = compile(POLICY);
    assertThat(c.isOriginAllowed("https://app.example.com")).isTrue();
    assertThat(c.isOriginAllowed("https://dev.example.com")).isTrue();
    assertThat(c.isOriginAllowed("https://shop.partner.org")).isTrue();
    assertThat(c.isOriginAllowed("https://evil.com")).isFalse();
    assertThat(c.isOriginAllowed("https://app.example.com.evil.com")).isFalse();
    assertThat(c.isOriginAllowed("https://shop.partner.org.evil")).isFalse();
  }

  @Test
  void aMatcherOfTheStarAllowsEveryOriginAsInEnvoy() {
    CorsConfig c = compile("allow_origin_string_match: [{exact: '*'}]");
    assertThat(c.isOriginAllowed("https://anything.example")).isTrue();
    assertThat(compile("{}").isOriginAllowed("https://anything.example")).isFalse();
  }

  @Test
  void verdicts() {
    CorsConfig c = compile(POLICY);
    String ok = "https://app.example.com";
    assertThat(c.decide("GET", null, null)).isEqualTo(Verdict.NONE);
    assertThat(c.decide("GET", "", null)).isEqualTo(Verdict.NONE);
    assertThat(c.decide("GET", ok, null)).isEqualTo(Verdict.ALLOWED);
    assertThat(c.decide("OPTIONS", ok, "PUT")).isEqualTo(Verdict.ANSWER_PREFLIGHT);
    assertThat(c.decide("OPTIONS", ok, null)).isEqualTo(Verdict.ALLOWED); // not a preflight
    assertThat(c.decide("GET", "https://evil.com", null)).isEqualTo(Verdict.ORIGIN_NOT_ALLOWED);
    // by default a preflight from an origin not allowed goes to the upstream
    assertThat(c.decide("OPTIONS", "https://evil.com", "GET")).isEqualTo(Verdict.ORIGIN_NOT_ALLOWED);
    CorsConfig strict = compile(POLICY + "forward_not_matching_preflights: false\n");
    assertThat(strict.decide("OPTIONS", "https://evil.com", "GET")).isEqualTo(Verdict.REFUSE_PREFLIGHT);
    assertThat(strict.decide("GET", "https://evil.com", null)).isEqualTo(Verdict.ORIGIN_NOT_ALLOWED);
  }

  @Test
  void aPolicyEnabledForNoRequestDoesNothing() {
    CorsConfig off = compile(POLICY + "filter_enabled: {default_value: {numerator: 0}}\n");
    assertThat(off.decide("OPTIONS", "https://app.example.com", "GET")).isEqualTo(Verdict.NONE);
  }

  @Test
  void preflightAndResponseHeaders() {
    CorsConfig c = compile(POLICY);
    Headers preflight = new Headers();
    c.addPreflightHeaders(preflight, "https://dev.example.com");
    assertThat(preflight.map)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "access-control-allow-origin", "https://dev.example.com",
                "access-control-allow-credentials", "true",
                "access-control-allow-methods", "GET,POST",
                "access-control-allow-headers", "authorization,content-type",
                "access-control-max-age", "86400"));
    Headers response = new Headers();
    c.addResponseHeaders(response, "https://dev.example.com");
    assertThat(response.map)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "access-control-allow-origin", "https://dev.example.com",
                "access-control-allow-credentials", "true",
                "access-control-expose-headers", "x-request-id"));
    Headers minimal = new Headers();
    compile("allow_origin_string_match: [{exact: a}]").addPreflightHeaders(minimal, "a");
    assertThat(minimal.map).containsOnlyKeys("access-control-allow-origin");
  }

  @Test
  void unsupportedFieldsAndBadMatchersAreRefusedWithTheirPaths() {
    assertThat(
            problems(
                """
                allow_origin_string_match: [{safe_regex: {regex: '('}}, {exact: a, ignore_case: true}]
                shadow_enabled: {default_value: {numerator: 1}}
                allow_private_network_access: true
                filter_enabled: {runtime_key: cors_on, default_value: {numerator: 1}}
                """))
        .hasSize(4)
        .contains(
            "cors.shadow_enabled: not supported by Bowline yet",
            "cors.allow_private_network_access: not supported by Bowline yet",
            "cors.filter_enabled.runtime_key: not supported by Bowline yet")
        .anyMatch(p -> p.startsWith("cors.allow_origin_string_match[0].safe_regex.regex: invalid RE2"));
  }
}
