package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.hash.XxHash64;
import org.junit.jupiter.api.Test;

/** The hash keys a route's {@code hash_policy} computes, as Envoy computes them. */
class HashPolicyTest {

  private static HashPolicy policy(String hashPolicyYaml) {
    RouteEntry entry =
        RouteYaml.routes(
                """
                - match: {prefix: /}
                  route:
                    cluster: app
                    hash_policy:
                """
                    + hashPolicyYaml.indent(4))
            .route(TestRequest.of("/"));
    return ((ForwardAction) entry.action()).hashPolicy();
  }

  private static TestHashRequest hashed(HashPolicy policy, TestHashRequest request) {
    policy.apply(request);
    return request;
  }

  @Test
  void aHeaderIsHashedWithXxHash64AndTheSameValueAlwaysGivesTheSameKey() {
    HashPolicy policy = policy("- header: {header_name: X-User}");

    TestHashRequest first = hashed(policy, new TestHashRequest().header("x-user", "alice"));
    TestHashRequest again = hashed(policy, new TestHashRequest().header("x-user", "alice"));
    TestHashRequest other = hashed(policy, new TestHashRequest().header("x-user", "bob"));

    assertThat(first.hasKey()).isTrue();
    assertThat(first.key()).isEqualTo(XxHash64.hash("alice")).isEqualTo(again.key());
    assertThat(other.key()).isNotEqualTo(first.key());
    assertThat(hashed(policy, new TestHashRequest()).hasKey()).isFalse();
  }

  @Test
  void severalValuesOfAHeaderAreSortedSoTheirOrderDoesNotMatter() {
    HashPolicy policy = policy("- header: {header_name: x-tag}");

    long ab = hashed(policy, new TestHashRequest().header("x-tag", "b").header("x-tag", "a")).key();
    long ba = hashed(policy, new TestHashRequest().header("x-tag", "a").header("x-tag", "b")).key();

    assertThat(ab).isEqualTo(ba).isEqualTo(XxHash64.hash("ab"));
  }

  @Test
  void aHeaderRewriteHashesTheRewrittenValue() {
    HashPolicy policy =
        policy(
            """
            - header:
                header_name: x-session
                regex_rewrite: {pattern: {regex: '-session-.*$'}, substitution: ''}
            """);

    TestHashRequest request =
        hashed(policy, new TestHashRequest().header("x-session", "user-42-session-9"));

    assertThat(request.key()).isEqualTo(XxHash64.hash("user-42"));
  }

  @Test
  void theHostHeaderIsTheAuthority() {
    HashPolicy policy = policy("- header: {header_name: Host}");

    assertThat(hashed(policy, new TestHashRequest().header(":authority", "shop:80")).key())
        .isEqualTo(XxHash64.hash("shop:80"));
  }

  @Test
  void aPresentCookieIsHashedWithoutItsQuotesAndNothingIsSet() {
    HashPolicy policy = policy("- cookie: {name: session, ttl: 3600s, path: /}");

    TestHashRequest quoted =
        hashed(policy, new TestHashRequest().header("cookie", "a=1; session=\"abc\"; z=2"));
    TestHashRequest plain = hashed(policy, new TestHashRequest().header("cookie", "session=abc"));
    TestHashRequest secondHeader =
        hashed(policy, new TestHashRequest().header("cookie", "a=1").header("cookie", "session=abc"));

    assertThat(quoted.key()).isEqualTo(XxHash64.hash("abc"));
    assertThat(plain.key()).isEqualTo(quoted.key());
    assertThat(secondHeader.key()).isEqualTo(quoted.key());
    assertThat(quoted.setCookies).isEmpty();
    // Cookie names are exact: neither a longer name nor another case is this cookie.
    assertThat(hashed(policy("- cookie: {name: session}"),
            new TestHashRequest().header("cookie", "sessionx=abc; Session=abc")).hasKey())
        .isFalse();
  }

  @Test
  void anAbsentCookieWithATtlIsGeneratedHashedAndSet() {
    HashPolicy policy = policy("- cookie: {name: session, ttl: 3600s, path: /cart}");
    String addresses = "10.0.0.7:40000127.0.0.1:8080";
    String value = XxHash64.toHex(XxHash64.hash(addresses));

    TestHashRequest request = hashed(policy, new TestHashRequest().connection(addresses));

    assertThat(request.setCookies)
        .containsExactly("session=\"" + value + "\"; Max-Age=3600; Path=/cart; HttpOnly");
    assertThat(request.key()).isEqualTo(XxHash64.hash(value));
    // The client sends the cookie back: the same key, nothing set.
    TestHashRequest next =
        hashed(policy, new TestHashRequest().header("cookie", "session=\"" + value + "\""));
    assertThat(next.key()).isEqualTo(request.key());
    assertThat(next.setCookies).isEmpty();
  }

  @Test
  void anEmptyCookieCountsAsAbsent() {
    TestHashRequest request =
        hashed(policy("- cookie: {name: s, ttl: 60s}"), new TestHashRequest().header("cookie", "s=; s=x"));

    assertThat(request.setCookies).hasSize(1);
  }

  @Test
  void withoutATtlAnAbsentCookieYieldsNothing() {
    TestHashRequest request = hashed(policy("- cookie: {name: session}"), new TestHashRequest());

    assertThat(request.hasKey()).isFalse();
    assertThat(request.setCookies).isEmpty();
  }

  @Test
  void aZeroTtlMakesASessionCookieWithItsAttributes() {
    TestHashRequest request =
        hashed(
            policy(
                """
                - cookie:
                    name: s
                    ttl: 0s
                    attributes: [{name: SameSite, value: Strict}, {name: Secure}]
                """),
            new TestHashRequest());

    assertThat(request.setCookies).hasSize(1);
    assertThat(request.setCookies.get(0))
        .matches("s=\"[0-9a-f]{16}\"; SameSite=Strict; Secure; HttpOnly");
  }

  @Test
  void theSourceIpIsHashedAsText() {
    HashPolicy policy = policy("- connection_properties: {source_ip: true}");

    assertThat(hashed(policy, new TestHashRequest().source("192.168.1.20")).key())
        .isEqualTo(XxHash64.hash("192.168.1.20"));
    assertThat(hashed(policy, new TestHashRequest().source(null)).hasKey()).isFalse();
    assertThat(policy("- connection_properties: {source_ip: false}").isEmpty()).isTrue();
  }

  @Test
  void theFirstValueOfAQueryParameterIsHashedRaw() {
    HashPolicy policy = policy("- query_parameter: {name: user}");

    assertThat(hashed(policy, new TestHashRequest().path("/p?a=1&user=bob&user=al")).key())
        .isEqualTo(XxHash64.hash("bob"));
    assertThat(hashed(policy, new TestHashRequest().path("/p?user=b%20b")).key())
        .isEqualTo(XxHash64.hash("b%20b"));
    assertThat(hashed(policy, new TestHashRequest().path("/p?x&user")).key())
        .isEqualTo(XxHash64.hash(""));
    assertThat(hashed(policy, new TestHashRequest().path("/p?User=bob&username=x")).hasKey())
        .isFalse();
    assertThat(hashed(policy, new TestHashRequest().path("/user=bob")).hasKey()).isFalse();
  }

  @Test
  void hashesAreCombinedByRotatingAndXoring() {
    HashPolicy policy =
        policy(
            """
            - header: {header_name: x-a}
            - header: {header_name: x-b}
            """);
    long a = XxHash64.hash("1");
    long b = XxHash64.hash("2");

    TestHashRequest both = hashed(policy, new TestHashRequest().header("x-a", "1").header("x-b", "2"));
    TestHashRequest second = hashed(policy, new TestHashRequest().header("x-b", "2"));
    TestHashRequest same = hashed(policy, new TestHashRequest().header("x-a", "1").header("x-b", "1"));

    assertThat(both.key()).isEqualTo(Long.rotateLeft(a, 1) ^ b);
    assertThat(second.key()).isEqualTo(b);
    // Equal hashes do not cancel out.
    assertThat(same.key()).isNotZero().isEqualTo(Long.rotateLeft(a, 1) ^ a);
  }

  @Test
  void aTerminalPolicyEndsTheListOnceAKeyExists() {
    HashPolicy policy =
        policy(
            """
            - header: {header_name: x-a}
              terminal: true
            - header: {header_name: x-b}
              terminal: true
            - header: {header_name: x-c}
            """);

    TestHashRequest firstWins =
        hashed(policy, new TestHashRequest().header("x-a", "1").header("x-b", "2").header("x-c", "3"));
    TestHashRequest fallsThrough =
        hashed(policy, new TestHashRequest().header("x-b", "2").header("x-c", "3"));
    TestHashRequest none = hashed(policy, new TestHashRequest().header("x-c", "3"));

    assertThat(firstWins.key()).isEqualTo(XxHash64.hash("1"));
    assertThat(fallsThrough.key()).isEqualTo(XxHash64.hash("2"));
    assertThat(none.key()).isEqualTo(XxHash64.hash("3"));
  }

  @Test
  void aTerminalPolicyThatProducedNothingStillStopsAfterAnEarlierKey() {
    // Envoy: "if terminal and a hash has been computed" - the hash so far, not this policy's.
    HashPolicy policy =
        policy(
            """
            - header: {header_name: x-a}
            - header: {header_name: x-b}
              terminal: true
            - header: {header_name: x-c}
            """);

    TestHashRequest request =
        hashed(policy, new TestHashRequest().header("x-a", "1").header("x-c", "3"));

    assertThat(request.key()).isEqualTo(XxHash64.hash("1"));
  }

  @Test
  void aRouteWithoutPoliciesHasNone() {
    RouteEntry entry = RouteYaml.routes("- {match: {prefix: /}, route: {cluster: app}}").route(TestRequest.of("/"));
    ForwardAction action = (ForwardAction) entry.action();

    assertThat(action.hashPolicy()).isSameAs(HashPolicy.NONE);
    assertThat(action.mirrorPolicies()).isEmpty();
  }
}
