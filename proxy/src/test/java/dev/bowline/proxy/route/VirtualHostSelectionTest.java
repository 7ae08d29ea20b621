package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VirtualHostSelectionTest {

  private static final RouteTable TABLE =
      RouteYaml.compile(
          """
          virtual_hosts:
          - name: default
            domains: ['*']
            routes: [{match: {prefix: /}, route: {cluster: default}}]
          - name: prefix-short
            domains: ['foo.*']
            routes: [{match: {prefix: /}, route: {cluster: prefix-short}}]
          - name: prefix-long
            domains: ['foo.bar.*']
            routes: [{match: {prefix: /}, route: {cluster: prefix-long}}]
          - name: suffix-short
            domains: ['*.foo.com']
            routes: [{match: {prefix: /}, route: {cluster: suffix-short}}]
          - name: suffix-long
            domains: ['*.bar.foo.com']
            routes: [{match: {prefix: /}, route: {cluster: suffix-long}}]
          - name: suffix-dash
            domains: ['*-bar.foo.com']
            routes: [{match: {prefix: /}, route: {cluster: suffix-dash}}]
          - name: exact
            domains: ['foo.com', 'WWW.Foo.com']
            routes: [{match: {prefix: /}, route: {cluster: exact}}]
          - name: with-port
            domains: ['api.foo.com:8443', 'foo.com:9090', '*.foo.com:7070']
            routes: [{match: {prefix: /}, route: {cluster: with-port}}]
          - name: ipv6
            domains: ['[::1]', '[::2]:8080']
            routes: [{match: {prefix: /}, route: {cluster: ipv6}}]
          """);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // exact first, case-insensitively
    "foo.com, exact",
    "FOO.COM, exact",
    "www.foo.com, exact",
    // suffix wildcards, longest suffix first, before prefix wildcards
    "x.foo.com, suffix-short",
    "x.bar.foo.com, suffix-long",
    "baz-bar.foo.com, suffix-dash",
    "X.Bar.Foo.Com, suffix-long",
    "foo.bar.foo.com, suffix-long",
    "foo.x.foo.com, suffix-short",
    // a wildcard never matches the empty string
    "-bar.foo.com, suffix-short",
    ".foo.com, default",
    // prefix wildcards, longest prefix first
    "foo.org, prefix-short",
    "foo.bar.org, prefix-long",
    "foo., default",
    // anything else
    "example.org, default",
    "'', default",
  })
  void selectsVirtualHostsInEnvoysOrderOfPrecedence(String authority, String expected) {
    assertThat(TABLE.virtualHostName(authority)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // without a domain naming the port, the port is stripped
    "foo.com:8080, exact",
    "x.bar.foo.com:80, suffix-long",
    "foo.org:443, prefix-short",
    "example.org:8080, default",
    // a domain naming the port wins over the same tier without it
    "api.foo.com:8443, with-port",
    "foo.com:9090, with-port",
    "x.foo.com:7070, with-port",
    "api.foo.com:9443, suffix-short",
    "api.foo.com, suffix-short",
    // but an exact domain without port still beats a wildcard with one
    "www.foo.com:7070, exact",
    // IPv6 literals
    "'[::1]', ipv6",
    "'[::1]:8080', ipv6",
    "'[::2]:8080', ipv6",
    "'[::2]:9090', default",
  })
  void stripsThePortUnlessADomainNamesIt(String authority, String expected) {
    assertThat(TABLE.virtualHostName(authority)).isEqualTo(expected);
  }

  @Test
  void aRequestWithoutAuthorityGetsTheDefaultVirtualHost() {
    assertThat(TABLE.virtualHostName(null)).isEqualTo("default");
  }

  @Test
  void ignorePortInHostMatchingNeverMatchesDomainsWithPort() {
    RouteTable table =
        RouteYaml.compile(
            """
            ignore_port_in_host_matching: true
            virtual_hosts:
            - name: any
              domains: ['*.foo.com']
              routes: [{match: {prefix: /}, route: {cluster: a}}]
            - name: port
              domains: ['api.foo.com:8443']
              routes: [{match: {prefix: /}, route: {cluster: b}}]
            """);

    assertThat(table.virtualHostName("api.foo.com:8443")).isEqualTo("any");
  }

  @Test
  void withoutDefaultVirtualHostAnUnknownAuthorityHasNoRoute() {
    RouteTable table =
        RouteYaml.compile(
            """
            virtual_hosts:
            - name: only
              domains: ['foo.com']
              routes: [{match: {prefix: /}, route: {cluster: a}}]
            """);

    assertThat(table.route(TestRequest.of("foo.com", "/"))).isNotNull();
    assertThat(table.route(TestRequest.of("bar.com", "/"))).isNull();
    assertThat(table.virtualHostName("bar.com")).isNull();
  }

  @Test
  void aSingleCatchAllVirtualHostTakesEveryAuthority() {
    RouteTable table = RouteYaml.routes("- {match: {prefix: /}, route: {cluster: a}}");

    assertThat(table.virtualHostName("anything:1234")).isEqualTo("vh");
    assertThat(table.virtualHostName(null)).isEqualTo("vh");
  }

  @Test
  void routesAreSearchedOnlyInTheSelectedVirtualHost() {
    RouteTable table =
        RouteYaml.compile(
            """
            virtual_hosts:
            - name: api
              domains: ['api.example.com']
              routes: [{match: {prefix: /v1}, route: {cluster: api}}]
            - name: web
              domains: ['*']
              routes: [{match: {prefix: /}, route: {cluster: web}}]
            """);

    assertThat(table.route(TestRequest.of("api.example.com", "/v1/x")).virtualHostName())
        .isEqualTo("api");
    assertThat(table.route(TestRequest.of("api.example.com", "/other"))).isNull();
    assertThat(table.route(TestRequest.of("www.example.com", "/v1/x")).virtualHostName())
        .isEqualTo("web");
  }
}
