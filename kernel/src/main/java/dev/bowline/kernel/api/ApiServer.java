package dev.bowline.kernel.api;

import com.sun.net.httpserver.HttpServer;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.kernel.pilot.registry.ServiceRegistry;
import dev.bowline.kernel.pilot.xds.XdsServer;
import dev.bowline.proxy.stats.MetricRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's HTTP API (Istio's 15014): what {@code bowlinectl} talks to, health and the
 * control plane's own metrics. JSON over HTTP/1.1 on the JDK's HTTP server.
 *
 * <p>Routes are served by {@link ApiRoute}s, tried in order, the first that claims the path
 * answering. An exception in a route answers 500 with its message and is logged; the server keeps
 * serving.
 *
 * <p>Threading: requests run on a small pool of daemon threads; routes must be thread-safe.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final HttpServer server;
  private final ExecutorService executor;

  private ApiServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and serves the control plane's API over these components.
   *
   * @param ready whether the control plane is ready (answers {@code /ready})
   * @param tokens Citadel's join tokens, when the control plane has a data directory
   * @param trustBundle Citadel's roots now
   * @param rotation root rotations of Citadel's CA
   * @throws IOException the address cannot be bound
   */
  public static ApiServer start(
      InetSocketAddress address,
      ConfigStore store,
      ServiceRegistry registry,
      XdsServer xds,
      MetricRegistry metrics,
      BooleanSupplier ready,
      java.util.Optional<dev.bowline.kernel.citadel.JoinTokenStore> tokens,
      java.util.function.Supplier<List<java.security.cert.X509Certificate>> trustBundle,
      dev.bowline.kernel.citadel.RootRotationControl rotation)
      throws IOException {
    return start(address, List.of(
        new HealthRoute(ready, metrics),
        new ConfigRoute(store, registry::hasService),
        new ProxyRoute(xds),
        new RegistryRoute(registry),
        new TokenRoute(tokens),
        new CaRoute(trustBundle, rotation)));
  }

  static ApiServer start(InetSocketAddress address, List<ApiRoute> routes) throws IOException {
    HttpServer server = HttpServer.create(address, 64);
    ExecutorService executor =
        Executors.newFixedThreadPool(4, r -> {
          Thread t = new Thread(r, "bowline-api-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    server.setExecutor(executor);
    List<ApiRoute> ordered = List.copyOf(routes);
    server.createContext("/", exchange -> {
      ApiExchange api = new ApiExchange(exchange);
      try {
        for (ApiRoute route : ordered) {
          if (route.handle(api)) {
            return;
          }
        }
        api.error(404, "no such API: " + api.method() + " " + api.path());
      } catch (RuntimeException | IOException e) {
        log.warn("API {} {} failed", api.method(), api.path(), e);
        try {
          api.error(500, e.toString());
        } catch (IOException ignored) {
          // the client went away
        }
      } finally {
        exchange.close();
      }
    });
    server.start();
    return new ApiServer(server, executor);
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
