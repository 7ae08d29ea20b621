package dev.bowline.proxy.http;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.ClusterManager;
import dev.bowline.proxy.upstream.UpstreamConnector;
import io.netty.channel.Channel;
import dev.bowline.proxy.http.hardening.Http1Hardening;
import java.util.function.BooleanSupplier;

/**
 * The running form of one filter chain's HTTP connection manager: its compiled routes, its
 * counters and access logs, and what its connections need to reach upstreams. Shared by every
 * connection the chain accepts; a configuration change builds a new one for new connections while
 * existing connections finish on the old.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpConnectionManager {


  private final HttpConnectionManagerConfig config;
  private final HttpRouter router;
  private final ClusterManager clusters;
  private final UpstreamConnector connector;
  private final HttpStats stats;
  private final AccessLog accessLog;
  private final BooleanSupplier draining;
  private final Http1Hardening hardening;

  /**
   * Builds the connection manager for {@code config}, compiling its routes and access logs.
   *
   * @param path the configuration path of {@code config}, for error messages
   * @throws ConfigException naming each problem in the routes or access logs
   */
  public static HttpConnectionManager create(
      HttpConnectionManagerConfig config,
      String path,
      ClusterManager clusters,
      UpstreamConnector connector,
      MetricRegistry metrics,
      AccessLogWriters accessLogs,
      BooleanSupplier draining)
      throws ConfigException {
    HttpRouter router = RouteTableRouter.compile(config.routeConfig(), path + ".route_config");
    AccessLog log;
    try {
      log = accessLogs.accessLog(config.accessLogs());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + ".access_log: " + e.getMessage());
    }
    return new HttpConnectionManager(config, router, clusters, connector, metrics, log, draining);
  }

  /**
   * Sets up a new downstream connection to speak HTTP/1.1 through this manager: the hardened codec
   * and request guard (smuggling, header limits, path normalization), then the proxy.
   */
  public void install(Channel channel, String scheme) {
    hardening.addTo(channel.pipeline());
    channel.pipeline().addLast("http1-proxy", new Http1ServerConnection(this, scheme));
  }

  HttpConnectionManager(
      HttpConnectionManagerConfig config,
      HttpRouter router,
      ClusterManager clusters,
      UpstreamConnector connector,
      MetricRegistry metrics,
      AccessLog accessLog,
      BooleanSupplier draining) {
    this.config = config;
    this.router = router;
    this.clusters = clusters;
    this.connector = connector;
    this.stats = new HttpStats(config.statPrefix(), metrics);
    this.accessLog = accessLog;
    this.draining = draining;
    this.hardening = Http1Hardening.from(config);
  }

  HttpConnectionManagerConfig config() {
    return config;
  }

  HttpRouter router() {
    return router;
  }

  ClusterManager clusters() {
    return clusters;
  }

  UpstreamConnector connector() {
    return connector;
  }

  HttpStats stats() {
    return stats;
  }

  AccessLog accessLog() {
    return accessLog;
  }

  boolean isDraining() {
    return draining.getAsBoolean();
  }
}
