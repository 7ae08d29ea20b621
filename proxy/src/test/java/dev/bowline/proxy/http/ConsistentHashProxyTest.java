package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.hash.XxHash64;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.proxy.upstream.lb.HashModuloLoadBalancerFactory;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.FactoryRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Consistent hashing through the proxy over real sockets: a route's {@code hash_policy} gives each
 * request a key, and a hashing balancer (here a test balancer registered as {@code
 * bowline.lb.ring_hash}: key modulo the three hosts) sends equal keys to the same upstream.
 */
class ConsistentHashProxyTest {

  private static final String RING_HASH = "bowline.lb.ring_hash";

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private List<RecordingUpstream> upstreams;

  @BeforeEach
  void startUpstreams() throws Exception {
    upstreams =
        List.of(open(new RecordingUpstream("u0")), open(new RecordingUpstream("u1")), open(new RecordingUpstream("u2")));
  }

  @AfterEach
  void closeAll() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  private <T extends AutoCloseable> T open(T resource) {
    resources.push(resource);
    return resource;
  }

  private RoutingProxy proxy(String hashPolicyYaml, String retryPolicy, String lbPolicy) throws Exception {
    FactoryRegistry<LoadBalancerFactory<?>> registry = BuiltinLoadBalancers.newRegistry();
    registry.register(new HashModuloLoadBalancerFactory(RING_HASH));
    String routes =
        """
        - match: {prefix: /}
          route:
            cluster: app
            timeout: 10s
            hash_policy:
        """
            + hashPolicyYaml.indent(6)
            + (retryPolicy.isEmpty() ? "" : "    retry_policy: " + retryPolicy + "\n");
    ClusterConfig app =
        RoutingProxy.cluster(
            "app", lbPolicy, upstreams.get(0).port(), upstreams.get(1).port(), upstreams.get(2).port());
    return open(new RoutingProxy(registry, routes, 1024 * 1024, app));
  }

  private RoutingProxy proxy(String hashPolicyYaml) throws Exception {
    return proxy(hashPolicyYaml, "", RING_HASH);
  }

  /** The upstream the test balancer picks for {@code key}: key modulo the three, in order. */
  private String expectedUpstream(long key) {
    return upstreams.get(HashModuloLoadBalancerFactory.index(key, 3)).name;
  }

  @Test
  void theSameHeaderValueAlwaysLandsOnTheSameUpstreamOfThree() throws Exception {
    RoutingProxy proxy = proxy("- header: {header_name: x-user}");
    Set<String> used = new HashSet<>();

    for (int user = 0; user < 24; user++) {
      String value = "user-" + user;
      String expected = expectedUpstream(XxHash64.hash(value));
      // A new connection each time: the key comes from the header, not the connection.
      for (int i = 0; i < 4; i++) {
        try (Http1TestClient client = new Http1TestClient(proxy.port())) {
          Http1TestClient.Response r = client.get("app", "/items/" + i, "x-user: " + value);
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.bodyText()).as("upstream of %s", value).isEqualTo(expected);
        }
      }
      used.add(expected);
    }

    assertThat(used).as("24 users spread over the three upstreams").hasSize(3);
    // Requests without the header carry no key: the balancer goes round the hosts.
    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        seen.add(client.get("app", "/").bodyText());
      }
      assertThat(seen).hasSize(3);
    }
  }

  @Test
  void http2StreamsAreHashedToo() throws Exception {
    RoutingProxy proxy = proxy("- header: {header_name: x-user}\n- connection_properties: {source_ip: true}");

    for (String user : List.of("ann", "bob", "cyd")) {
      long key = Long.rotateLeft(XxHash64.hash(user), 1) ^ XxHash64.hash("127.0.0.1");
      for (int i = 0; i < 2; i++) {
        Process curl =
            new ProcessBuilder(
                    "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge",
                    "-H", "x-user: " + user, "http://127.0.0.1:" + proxy.port() + "/")
                .redirectErrorStream(true)
                .start();
        String output = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(curl.waitFor()).as(output).isZero();
        assertThat(output).as("upstream of %s", user).isEqualTo(expectedUpstream(key));
      }
    }
  }

  @Test
  void theSourceAddressPinsAClientToOneUpstream() throws Exception {
    RoutingProxy proxy = proxy("- connection_properties: {source_ip: true}");
    String expected = expectedUpstream(XxHash64.hash("127.0.0.1"));

    for (int i = 0; i < 6; i++) {
      try (Http1TestClient client = new Http1TestClient(proxy.port())) {
        assertThat(client.get("app", "/").bodyText()).isEqualTo(expected);
      }
    }
  }

  @Test
  void aQueryParameterPicksTheUpstream() throws Exception {
    RoutingProxy proxy = proxy("- query_parameter: {name: cart}");

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      for (String cart : List.of("a1", "b2", "c3", "d4", "e5")) {
        String expected = expectedUpstream(XxHash64.hash(cart));
        for (int i = 0; i < 3; i++) {
          assertThat(client.get("app", "/checkout?step=" + i + "&cart=" + cart).bodyText())
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void anAbsentCookieIsGeneratedSetWithItsTtlAndThenKeepsTheClientOnOneUpstream() throws Exception {
    RoutingProxy proxy = proxy("- cookie: {name: sticky, ttl: 120s, path: /shop}");

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      Http1TestClient.Response first = client.get("app", "/shop/cart");

      // Envoy's generated value: the hex hash of the connection's peer and local addresses.
      InetSocketAddress local = (InetSocketAddress) client.socket().getLocalSocketAddress();
      InetSocketAddress remote = (InetSocketAddress) client.socket().getRemoteSocketAddress();
      String value =
          XxHash64.toHex(
              XxHash64.hash(
                  local.getAddress().getHostAddress() + ":" + local.getPort()
                      + remote.getAddress().getHostAddress() + ":" + remote.getPort()));
      assertThat(first.headers("set-cookie"))
          .containsExactly("sticky=\"" + value + "\"; Max-Age=120; Path=/shop; HttpOnly");
      String upstream = first.bodyText();
      assertThat(upstream).isEqualTo(expectedUpstream(XxHash64.hash(value)));

      Matcher m = Pattern.compile("sticky=\"([0-9a-f]{16})\"").matcher(first.header("set-cookie"));
      assertThat(m.find()).isTrue();
      for (int i = 0; i < 5; i++) {
        Http1TestClient.Response next = client.get("app", "/shop/item/" + i, "Cookie: theme=dark; sticky=" + m.group(1));
        assertThat(next.bodyText()).isEqualTo(upstream);
        assertThat(next.headers("set-cookie")).isEmpty();
      }
    }
    // Another connection sending the same cookie lands on the same upstream too.
    try (Http1TestClient other = new Http1TestClient(proxy.port())) {
      String cookie = upstreams.stream().flatMap(u -> u.seen.stream()).map(RecordingUpstream.Seen::cookie)
          .filter(c -> c != null && c.contains("sticky=")).findFirst().orElseThrow();
      Http1TestClient.Response r = other.get("app", "/shop", "Cookie: " + cookie);
      assertThat(r.headers("set-cookie")).isEmpty();
      String value = cookie.substring(cookie.indexOf("sticky=") + 7);
      assertThat(r.bodyText()).isEqualTo(expectedUpstream(XxHash64.hash(value)));
    }
  }

  @Test
  void withoutATtlNoCookieIsSetAndTheRequestHasNoKey() throws Exception {
    RoutingProxy proxy = proxy("- cookie: {name: sticky}");

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        Http1TestClient.Response r = client.get("app", "/");
        assertThat(r.headers("set-cookie")).isEmpty();
        seen.add(r.bodyText());
      }
      assertThat(seen).as("no key: round the hosts").hasSize(3);
    }
  }

  @Test
  void aBalancerThatDoesNotHashNeverAsksSoNoCookieIsGenerated() throws Exception {
    RoutingProxy proxy = proxy("- cookie: {name: sticky, ttl: 60s}", "", "bowline.lb.round_robin");

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      Http1TestClient.Response r = client.get("app", "/");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers("set-cookie")).isEmpty();
    }
  }

  @Test
  void withoutThePreviousHostsPredicateARetryStaysOnTheHashedHost() throws Exception {
    RoutingProxy proxy =
        proxy("- header: {header_name: x-user}", "{retry_on: 5xx, num_retries: 2}", RING_HASH);
    String expected = expectedUpstream(XxHash64.hash("alice"));
    RecordingUpstream hashed =
        upstreams.stream().filter(u -> u.name.equals(expected)).findFirst().orElseThrow();
    hashed.failures.set(1);

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      Http1TestClient.Response r = client.get("app", "/sticky", "x-user: alice");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).as("the retry keeps the request on its host").isEqualTo(expected);
    }
    assertThat(hashed.seen).extracting(RecordingUpstream.Seen::path).containsExactly("/sticky", "/sticky");
    assertThat(upstreams).filteredOn(u -> u != hashed).allSatisfy(u -> assertThat(u.seen).isEmpty());
  }

  @Test
  void aRetryLeavesTheHashedHostForTheNextOneAndSetsTheCookieOnce() throws Exception {
    RoutingProxy proxy =
        proxy(
            "- cookie: {name: sticky, ttl: 60s}",
            "{retry_on: 5xx, num_retries: 2,"
                + " retry_host_predicate: [{name: envoy.retry_host_predicates.previous_hosts}]}",
            RING_HASH);

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      // Learn this connection's cookie and upstream, then make that upstream fail once.
      Http1TestClient.Response first = client.get("app", "/");
      int hashed = List.of("u0", "u1", "u2").indexOf(first.bodyText());
      String cookie = first.header("set-cookie");
      String value = cookie.substring(cookie.indexOf('"') + 1, cookie.lastIndexOf('"'));
      upstreams.get(hashed).failures.set(1);

      Http1TestClient.Response retried = client.get("app", "/again", "Cookie: sticky=" + value);

      assertThat(retried.status()).isEqualTo(200);
      assertThat(retried.bodyText()).isEqualTo(upstreams.get((hashed + 1) % 3).name);
      assertThat(upstreams.get(hashed).seen).extracting(RecordingUpstream.Seen::path).contains("/again");
      assertThat(retried.headers("set-cookie")).isEmpty();
    }
    try (Http1TestClient fresh = new Http1TestClient(proxy.port())) {
      // A new client whose first try fails: the cookie generated for it is set once.
      InetSocketAddress local = (InetSocketAddress) fresh.socket().getLocalSocketAddress();
      String value =
          XxHash64.toHex(
              XxHash64.hash(
                  "127.0.0.1:" + local.getPort() + "127.0.0.1:" + proxy.port()));
      int hashed = HashModuloLoadBalancerFactory.index(XxHash64.hash(value), 3);
      upstreams.get(hashed).failures.set(1);

      Http1TestClient.Response r = fresh.get("app", "/first");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo(upstreams.get((hashed + 1) % 3).name);
      assertThat(r.headers("set-cookie")).containsExactly("sticky=\"" + value + "\"; Max-Age=60; HttpOnly");
    }
  }
}
