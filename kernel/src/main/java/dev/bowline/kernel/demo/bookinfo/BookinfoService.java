package dev.bowline.kernel.demo.bookinfo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of a service of Istio's Bookinfo sample (productpage, details, reviews
 * v1/v2/v3, ratings), written in Java with the original's endpoints, JSON, page, timeouts and
 * header propagation. It listens with the JDK HTTP server and calls the services it depends on
 * with the JDK HTTP client, through its sidecar or directly ({@link Upstreams}).
 *
 * <p>A launcher starts each application on a free port, then its sidecar with that port as the
 * application port; the calling services (productpage, reviews v2/v3) are given the port of their
 * sidecar's outbound listener beforehand:
 *
 * <pre>{@code
 * BookinfoService reviews = BookinfoService.start(BookinfoKind.REVIEWS, "v2", 0, outboundPort);
 * // sidecar: service reviews, labels version=v2, app port reviews.port(), outbound outboundPort
 * }</pre>
 *
 * <p>Threading: {@link #start} and {@link #close} from any thread; requests are served on a
 * small pool of daemon threads per instance, each blocked while it calls another service. The
 * JDK server's own dispatcher thread is not a daemon: an instance keeps the JVM alive until
 * {@link #close}.
 */
public final class BookinfoService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BookinfoService.class);
  private static final int THREADS = 8;

  private final BookinfoOptions options;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean healthy;

  private BookinfoService(BookinfoOptions options, HttpServer server, ExecutorService executor,
      AtomicBoolean healthy) {
    this.options = options;
    this.server = server;
    this.executor = executor;
    this.healthy = healthy;
  }

  /**
   * Starts {@code version} of {@code kind} on {@code 127.0.0.1:<port>} (0: any free port),
   * calling other services through the sidecar whose outbound listener is {@code
   * 127.0.0.1:<sidecarOutboundPort>}, with the original's timeouts.
   *
   * @throws IOException the port cannot be bound
   * @throws IllegalArgumentException the kind has no such version, or a port is out of range
   */
  public static BookinfoService start(
      BookinfoKind kind, String version, int port, int sidecarOutboundPort) throws IOException {
    return start(BookinfoOptions.of(kind, version, port, Upstreams.viaSidecar(sidecarOutboundPort)));
  }

  /**
   * Starts an instance as {@code options} says.
   *
   * @throws IOException the address cannot be bound
   */
  public static BookinfoService start(BookinfoOptions options) throws IOException {
    HttpServer server = HttpServer.create(options.listen(), 64);
    String name = options.kind().serviceName() + "-" + options.version();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "bookinfo-" + name);
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    int port = server.getAddress().getPort();
    HttpHandler handler = handler(options, name + "-" + port);
    AtomicBoolean healthy = new AtomicBoolean(true);
    server.createContext("/", exchange -> serve(handler, healthy, exchange));
    server.start();
    log.debug("bookinfo {} listening on {}", name, server.getAddress());
    return new BookinfoService(options, server, executor, healthy);
  }

  private static HttpHandler handler(BookinfoOptions options, String defaultPodName) {
    UpstreamClient upstream = new UpstreamClient(options.upstreams());
    return switch (options.kind()) {
      case PRODUCTPAGE -> new ProductPage(upstream, options.timeouts());
      case DETAILS -> new Details();
      case REVIEWS -> new Reviews(options.version(), options.podName().orElse(defaultPodName),
          options.clusterName().orElse("null"), upstream, options.timeouts());
      case RATINGS -> new Ratings();
    };
  }

  private static void serve(HttpHandler handler, AtomicBoolean healthy, HttpExchange exchange) {
    try {
      if (!healthy.get() && exchange.getRequestURI().getPath().equals("/health")) {
        Replies.json(exchange, 503, "{\"status\":\"unhealthy\"}");
        return;
      }
      handler.handle(exchange);
    } catch (IOException e) {
      log.debug("bookinfo: {} {} failed: {}", exchange.getRequestMethod(),
          exchange.getRequestURI(), e.toString());
    } catch (RuntimeException e) {
      log.warn("bookinfo: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      try {
        Replies.text(exchange, 500, "internal error\n");
      } catch (IOException | RuntimeException ignored) {
        // the response had begun; closing the exchange ends it
      }
    } finally {
      exchange.close();
    }
  }

  /** Which service this is. */
  public BookinfoKind kind() {
    return options.kind();
  }

  /** Its version. */
  public String version() {
    return options.version();
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The options it was started with. */
  public BookinfoOptions options() {
    return options;
  }

  /**
   * Marks this instance healthy or not; while not, {@code GET /health} answers 503 and every other
   * endpoint serves as usual (Bowline's addition, to try active health checks).
   */
  public void healthy(boolean value) {
    healthy.set(value);
  }

  /** Stops listening at once and ends its threads. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
