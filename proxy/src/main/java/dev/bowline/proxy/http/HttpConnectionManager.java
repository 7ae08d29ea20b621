package dev.bowline.proxy.http;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.filter.BuiltinFilters;
import dev.bowline.proxy.filter.RouteFiltersCompiler;
import dev.bowline.proxy.filter.ratelimit.LocalRateLimitCompiler;
import dev.bowline.proxy.filter.ratelimit.RateLimiterStore;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.timer.DeadlineSet;
import dev.bowline.proxy.upstream.ClusterManager;
import dev.bowline.proxy.upstream.UpstreamConnector;
import dev.bowline.proxy.http.hardening.Http1Hardening;
import dev.bowline.proxy.http2.Http2Downstream;
import dev.bowline.proxy.http2.Http2PrefaceSniffer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.FactoryRegistry;
import dev.bowline.spi.filter.HttpFilterFactory;

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
  private final RouteSlot routes;
  private final ClusterManager clusters;
  private final UpstreamConnector connector;
  private final HttpStats stats;
  private final ShadowStats shadowStats;
  private final AccessLog accessLog;
  private final BooleanSupplier draining;
  private final HttpFilterChain filters;
  private final BuiltinFilters builtins;
  /** The rate limiters this version uses, kept for the next once committed; null in tests. */
  private final RateLimiterStore.Generation rateLimiters;
  private final Http1Hardening hardening;
  private final Http2Downstream http2;

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
      BooleanSupplier draining,
      FactoryRegistry<HttpFilterFactory<?>> filterFactories,
      Function<NamedFactory<?>, PluginContext> contexts,
      RouteSlot routes)
      throws ConfigException {
    // The built-in filters and the routes' settings for them; rate limiters (and their buckets)
    // of the version in force are reused where their configuration is unchanged.
    RateLimiterStore.Generation rateLimiters = routes.rateLimiters().next();
    LocalRateLimitCompiler rateLimits =
        new LocalRateLimitCompiler(metrics, rateLimiters, System::nanoTime);
    HttpRouter router =
        RouteTableRouter.compile(
            config.routeConfig(), path + ".route_config", new RouteFiltersCompiler(rateLimits));
    BuiltinFilters builtins =
        BuiltinFilters.compile(config.httpFilters(), path, config.statPrefix(), metrics, rateLimits);
    HttpFilterChain filters = HttpFilterChain.build(config.httpFilters(), path, filterFactories, contexts);
    AccessLog log;
    try {
      log = accessLogs.accessLog(config.accessLogs());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + ".access_log: " + e.getMessage());
    }
    return new HttpConnectionManager(
        config, router, routes, clusters, connector, metrics, log, draining, filters, builtins,
        rateLimiters);
  }

  /** The ALPN protocol identifier of HTTP/2 over TLS. */
  public static final String ALPN_H2 = "h2";

  /** Pipeline name of the connection-level handler of a downstream HTTP/2 connection. */
  public static final String HTTP2_CONNECTION = "http2-proxy";

  /** Pipeline name of the proxy handler of a downstream HTTP/1.1 connection. */
  public static final String HTTP1_CONNECTION = "http1-proxy";

  /**
   * {@link #install(Channel, String, Optional)} for a connection without ALPN: HTTP/1.1, HTTP/2 or,
   * with {@code codec_type: AUTO}, whichever the client's first bytes show.
   */
  public void install(Channel channel, String scheme) {
    install(channel, scheme, Optional.empty());
  }

  /**
   * Sets up a new downstream connection to speak HTTP through this manager. Which HTTP follows
   * Envoy's {@code codec_type}:
   *
   * <ul>
   *   <li>{@code HTTP1}: HTTP/1.1 whatever ALPN said;
   *   <li>{@code HTTP2}: HTTP/2 (h2, or h2c with prior knowledge) whatever ALPN said;
   *   <li>{@code AUTO}: HTTP/2 when ALPN agreed on {@code h2}, HTTP/1.1 when it agreed on anything
   *       else, and without ALPN (plaintext, or a TLS client that offered none) the first bytes
   *       decide: the HTTP/2 connection preface means h2c with prior knowledge, anything else
   *       HTTP/1.1. The HTTP/1.1 {@code Upgrade: h2c} path is not supported (as in Envoy's
   *       defaults, the upgrade header is dropped and the request served over HTTP/1.1).
   * </ul>
   *
   * <p>HTTP/1.1 gets the hardened codec and request guard (smuggling, header limits, path
   * normalization), then the proxy. HTTP/2 gets the hardened {@link Http2Downstream} front; each
   * stream is then one exchange served like an HTTP/1.1 request.
   *
   * @param scheme {@code https} when the connection terminates TLS, else {@code http}
   * @param applicationProtocol the protocol ALPN agreed on, if any
   */
  public void install(Channel channel, String scheme, Optional<String> applicationProtocol) {
    switch (config.codec()) {
      case HTTP1 -> installHttp1(channel.pipeline(), scheme);
      case HTTP2 -> installHttp2(channel.pipeline(), scheme);
      default -> {
        if (applicationProtocol.isPresent()) {
          if (ALPN_H2.equals(applicationProtocol.get())) {
            installHttp2(channel.pipeline(), scheme);
          } else {
            installHttp1(channel.pipeline(), scheme);
          }
        } else {
          channel
              .pipeline()
              .addLast(
                  Http2PrefaceSniffer.NAME,
                  new Http2PrefaceSniffer(
                      p -> installHttp2(p, scheme), p -> installHttp1(p, scheme)));
        }
      }
    }
  }

  private void installHttp1(ChannelPipeline pipeline, String scheme) {
    // The end of a client's input arrives as an event (Http1ServerConnection answers, then closes).
    pipeline.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    Http1ConnectionTimers timers =
        new Http1ConnectionTimers(config.requestHeadersTimeout(), config.idleTimeout());
    pipeline.addLast(Http1ConnectionTimers.NAME, timers);
    hardening.addTo(pipeline);
    pipeline.addLast(HTTP1_CONNECTION, new Http1ServerConnection(this, scheme, timers));
  }

  private void installHttp2(ChannelPipeline pipeline, String scheme) {
    // The streams' route timeouts share one queued task per connection.
    DeadlineSet routeTimers = new DeadlineSet(pipeline.channel().eventLoop());
    http2.addTo(
        pipeline,
        stream -> new Http2StreamDownstream(this, stream, scheme, routeTimers.newMember()));
    pipeline.addLast(HTTP2_CONNECTION, new Http2ServerConnection(this));
  }

  /** A manager whose routes are published at once, in a slot of its own (for tests). */
  HttpConnectionManager(
      HttpConnectionManagerConfig config,
      HttpRouter router,
      ClusterManager clusters,
      UpstreamConnector connector,
      MetricRegistry metrics,
      AccessLog accessLog,
      BooleanSupplier draining,
      HttpFilterChain filters) {
    this(config, router, new RouteSlot(), clusters, connector, metrics, accessLog, draining, filters,
        BuiltinFilters.NONE, null);
    publishRoutes();
  }

  private HttpConnectionManager(
      HttpConnectionManagerConfig config,
      HttpRouter router,
      RouteSlot routes,
      ClusterManager clusters,
      UpstreamConnector connector,
      MetricRegistry metrics,
      AccessLog accessLog,
      BooleanSupplier draining,
      HttpFilterChain filters,
      BuiltinFilters builtins,
      RateLimiterStore.Generation rateLimiters) {
    this.config = config;
    this.router = router;
    this.routes = routes;
    this.clusters = clusters;
    this.connector = connector;
    this.stats = new HttpStats(config.statPrefix(), metrics);
    this.shadowStats = new ShadowStats(metrics);
    this.accessLog = accessLog;
    this.draining = draining;
    this.filters = filters;
    this.builtins = builtins;
    this.rateLimiters = rateLimiters;
    this.hardening = Http1Hardening.from(config);
    this.http2 = Http2Downstream.from(config);
  }

  HttpConnectionManagerConfig config() {
    return config;
  }

  HttpFilterChain filters() {
    return filters;
  }

  /** The built-in filters (fault, CORS, local rate limit), run on the matched route. */
  BuiltinFilters builtinFilters() {
    return builtins;
  }

  /** The routes in force: the latest committed version's, shared through the slot. */
  HttpRouter router() {
    HttpRouter current = routes.router();
    return current != null ? current : router;
  }

  /**
   * Makes this manager's routes the ones every connection of its slot uses from their next
   * request on. Called when the configuration that built it is committed.
   */
  public void publishRoutes() {
    routes.publish(router);
    if (rateLimiters != null) {
      rateLimiters.publish();
    }
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

  /** The counters of mirrored requests, per mirror cluster. */
  ShadowStats shadowStats() {
    return shadowStats;
  }

  AccessLog accessLog() {
    return accessLog;
  }

  boolean isDraining() {
    return draining.getAsBoolean();
  }
}
