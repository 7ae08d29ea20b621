package dev.bowline.proxy.http;

import dev.bowline.proxy.config.AccessLogConfig;
import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A running proxy for the retry tests: a {@link RoutingProxy} on one event loop with an access log
 * of {@code "%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_HOST%"} lines, in front of the
 * clusters a test gives.
 */
final class RetryProxy implements AutoCloseable {

  static final String LOG_FORMAT = "%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_HOST%\n";

  private final RoutingProxy proxy;
  private final Path accessLog;

  /**
   * @param routesYaml the routes of one virtual host for every domain
   * @param bufferLimit the listener's {@code per_connection_buffer_limit_bytes}
   */
  RetryProxy(Path dir, String routesYaml, int bufferLimit, ClusterConfig... clusters) throws Exception {
    accessLog = dir.resolve("access.log");
    proxy =
        new RoutingProxy(
            1,
            BuiltinLoadBalancers.newRegistry(),
            routesYaml,
            bufferLimit,
            List.of(new AccessLogConfig(accessLog.toString(), LOG_FORMAT)),
            clusters);
  }

  RetryProxy(Path dir, String routesYaml, ClusterConfig... clusters) throws Exception {
    this(dir, routesYaml, 1024 * 1024, clusters);
  }

  /** An HTTP/1.1 (or, with {@code protocol}, HTTP/2) cluster of 127.0.0.1 endpoints. */
  static ClusterConfig cluster(
      String name,
      String lbPolicy,
      ClusterConfig.UpstreamProtocol protocol,
      ClusterConfig.CircuitBreakerLimits limits,
      int... ports) {
    return RoutingProxy.cluster(name, lbPolicy, protocol, limits, ports);
  }

  static ClusterConfig cluster(String name, int... ports) {
    return RoutingProxy.cluster(name, ports);
  }

  int port() {
    return proxy.port();
  }

  ProxyServer server() {
    return proxy.server();
  }

  /** The value of {@code envoy_cluster_<name>{envoy_cluster_name="cluster"}}, 0 when absent. */
  long clusterCounter(String name, String cluster) {
    return proxy.clusterCounter("envoy_cluster_" + name, cluster);
  }

  /** The access log's lines so far. */
  List<String> accessLogLines() {
    try {
      return Files.exists(accessLog) ? Files.readAllLines(accessLog) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    proxy.close();
  }
}
