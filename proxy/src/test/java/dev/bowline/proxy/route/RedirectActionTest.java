package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedirectActionTest {

  private static RedirectAction redirect(String match, String redirectYaml, TestRequest request) {
    RouteEntry entry =
        RouteYaml.routes("- {match: " + match + ", redirect: " + redirectYaml + "}").route(request);
    assertThat(entry).isNotNull();
    return (RedirectAction) entry.action();
  }

  private static String location(String redirectYaml, TestRequest request) {
    return redirect("{prefix: /}", redirectYaml, request).location(request);
  }

  @ParameterizedTest(name = "{0}: {1}://{2}{3} -> {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        // https_redirect keeps host and path; a default port of the old scheme is dropped
        "{https_redirect: true}      | http  | foo.com        | /a?b=c | https://foo.com/a?b=c",
        "{https_redirect: true}      | http  | foo.com:80     | /a     | https://foo.com/a",
        "{https_redirect: true}      | http  | foo.com:8080   | /a     | https://foo.com:8080/a",
        "{scheme_redirect: HTTP}     | https | foo.com:443    | /a     | http://foo.com/a",
        "{https_redirect: true}      | http  | '[::1]:80'     | /a     | https://[::1]/a",
        // host and port
        "{host_redirect: bar.com}    | http  | foo.com:8080   | /a     | http://bar.com/a",
        "{port_redirect: 8443}       | http  | foo.com:8080   | /a     | http://foo.com:8443/a",
        "{port_redirect: 8443}       | http  | foo.com        | /a     | http://foo.com:8443/a",
        "{host_redirect: bar.com, port_redirect: 9000, https_redirect: true} | http | foo.com | /a | https://bar.com:9000/a",
        // path_redirect keeps the query unless it has its own
        "{path_redirect: /new}       | http  | foo.com        | /old?x=1 | http://foo.com/new?x=1",
        "{path_redirect: '/new?y=2'} | http  | foo.com        | /old?x=1 | http://foo.com/new?y=2",
        "{path_redirect: new}        | http  | foo.com        | /old     | http://foo.com/new",
        // strip_query, except a query of path_redirect
        "{strip_query: true}         | http  | foo.com        | /a?x=1   | http://foo.com/a",
        "{path_redirect: /n, strip_query: true} | http | foo.com | /a?x=1 | http://foo.com/n",
        "{path_redirect: '/n?k=v', strip_query: true} | http | foo.com | /a?x=1 | http://foo.com/n?k=v",
      })
  void locationFollowsEnvoy(
      String redirectYaml, String scheme, String authority, String path, String expected) {
    TestRequest request = TestRequest.of(authority, path).scheme(scheme);

    assertThat(location(redirectYaml, request)).isEqualTo(expected);
  }

  @Test
  void portStrippingFollowsXForwardedProto() {
    // Served over TLS at the edge but the original URL was http://foo.com:80: keep the port.
    TestRequest request =
        TestRequest.of("foo.com:443", "/a").scheme("http").header("x-forwarded-proto", "https");

    assertThat(location("{https_redirect: true}", request)).isEqualTo("https://foo.com:443/a");
  }

  @Test
  void prefixRewriteReplacesTheMatchedPrefix() {
    TestRequest request = TestRequest.of("foo.com", "/old/items?id=1");

    RedirectAction action = redirect("{prefix: /old/}", "{prefix_rewrite: /new/}", request);

    assertThat(action.location(request)).isEqualTo("http://foo.com/new/items?id=1");
  }

  @Test
  void prefixRewriteWithStripQuery() {
    TestRequest request = TestRequest.of("foo.com", "/old/items?id=1");

    RedirectAction action =
        redirect("{prefix: /old}", "{prefix_rewrite: /new, strip_query: true}", request);

    assertThat(action.location(request)).isEqualTo("http://foo.com/new/items");
  }

  @Test
  void regexRewrite() {
    TestRequest request = TestRequest.of("foo.com", "/users/42/profile?tab=1");

    RedirectAction action =
        redirect(
            "{prefix: /}",
            "{regex_rewrite: {pattern: {regex: '^/users/([0-9]+)/profile$'}, substitution: '/u/\\1'}}",
            request);

    assertThat(action.location(request)).isEqualTo("http://foo.com/u/42?tab=1");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "MOVED_PERMANENTLY, 301",
    "FOUND, 302",
    "SEE_OTHER, 303",
    "TEMPORARY_REDIRECT, 307",
    "PERMANENT_REDIRECT, 308",
  })
  void responseCodes(String code, int expected) {
    TestRequest request = TestRequest.of("/");

    assertThat(redirect("{prefix: /}", "{response_code: " + code + "}", request).responseCode())
        .isEqualTo(expected);
  }

  @Test
  void theDefaultResponseCodeIs301() {
    TestRequest request = TestRequest.of("/");

    assertThat(redirect("{prefix: /}", "{https_redirect: true}", request).responseCode())
        .isEqualTo(301);
  }
}
