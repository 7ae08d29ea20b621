package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Matching a request allocates nothing on the common paths: virtual host selection with port and
 * case, prefix, exact and separated-prefix paths, header and query matchers, weighted picks and
 * literal header mutations.
 */
class MatchingAllocationTest {

  /** A request whose accessors return constant strings, as a data path over Netty headers does. */
  private record FixedRequest(String authority, String path, String userAgent, String version)
      implements RequestView {
    @Override
    public String method() {
      return "GET";
    }

    @Override
    public String scheme() {
      return "http";
    }

    @Override
    public String header(String lowercaseName) {
      switch (lowercaseName) {
        case "user-agent":
          return userAgent;
        case "x-version":
          return version;
        default:
          return null;
      }
    }
  }

  /** Headers that accept changes without keeping them. */
  private static final class DiscardingHeaders implements MutableHeaders {
    int changes;

    @Override
    public String get(String lowercaseName) {
      return null;
    }

    @Override
    public void set(String lowercaseName, String value) {
      changes++;
    }

    @Override
    public void add(String lowercaseName, String value) {
      changes++;
    }

    @Override
    public void remove(String lowercaseName) {
      changes++;
    }
  }

  private static final RouteTable TABLE =
      RouteYaml.compile(
          """
          request_headers_to_add: [{header: {key: x-mesh, value: bowline}}]
          virtual_hosts:
          - name: other
            domains: ['*.other.com', other.*]
            routes: [{match: {prefix: /}, route: {cluster: other}}]
          - name: shop
            domains: [shop.example.com, '*.shop.example.com']
            request_headers_to_remove: [x-internal]
            routes:
            - match: {path: /healthz}
              direct_response: {status: 200}
            - match:
                path_separated_prefix: /api
                headers:
                - {name: ':method', string_match: {exact: POST}}
              route: {cluster: writes}
            - match:
                prefix: /API/
                case_sensitive: false
                headers:
                - {name: user-agent, string_match: {contains: curl, ignore_case: true}, invert_match: true}
                - {name: x-version, string_match: {prefix: v2}}
                query_parameters:
                - {name: debug, string_match: {exact: '1'}}
              route:
                weighted_clusters:
                  clusters: [{name: v2a, weight: 30}, {name: v2b, weight: 70}]
            - match: {prefix: /}
              route: {cluster: fallback}
          """);

  @Test
  void matchingAllocatesNothing() {
    com.sun.management.ThreadMXBean threads = threadMxBean();
    FixedRequest[] requests = {
      new FixedRequest("Shop.Example.com:8080", "/api/items?x=1&debug=1", "Mozilla/5.0", "v2.1"),
      new FixedRequest("www.shop.example.com", "/api/items?debug=1", "Mozilla/5.0", "v2"),
      new FixedRequest("shop.example.com", "/healthz", null, null),
      new FixedRequest("shop.example.com", "/static/app.js", "curl/8", null),
      new FixedRequest("other.org:443", "/x", null, null),
      new FixedRequest("unknown.org", "/x", null, null),
    };
    DiscardingHeaders headers = new DiscardingHeaders();
    TestContext context = TestContext.of(requests[0]);
    long sink = 0;
    for (int warmup = 0; warmup < 20_000; warmup++) {
      sink += run(requests, headers, context, warmup);
    }

    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    int iterations = 100_000;
    for (int i = 0; i < iterations; i++) {
      sink += run(requests, headers, context, i);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(sink).isPositive();
    assertThat(headers.changes).isPositive();
    // A few hundred bytes at most over 600 000 matches: nothing per match.
    assertThat(allocated).as("bytes allocated by %s matches", iterations * requests.length)
        .isLessThan(4096);
  }

  private static long run(
      FixedRequest[] requests, DiscardingHeaders headers, TestContext context, int random) {
    long found = 0;
    for (FixedRequest request : requests) {
      RouteEntry entry = TABLE.route(request);
      if (entry == null) {
        continue;
      }
      found++;
      if (entry.action() instanceof ForwardAction forward) {
        ClusterTarget target = forward.pickCluster(random);
        target.requestHeaders().apply(headers, context);
        found += target.name().length();
      }
    }
    return found;
  }

  private static com.sun.management.ThreadMXBean threadMxBean() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assertThat(bean).as("this JVM must count allocations per thread").isInstanceOf(com.sun.management.ThreadMXBean.class);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assertThat(threads.isThreadAllocatedMemorySupported()).as("per-thread allocation counting").isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);
    return threads;
  }
}
