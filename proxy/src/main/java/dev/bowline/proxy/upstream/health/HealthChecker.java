package dev.bowline.proxy.upstream.health;

import dev.bowline.proxy.config.HealthCheckConfig;
import dev.bowline.proxy.config.HealthCheckConfig.GrpcProbe;
import dev.bowline.proxy.config.HealthCheckConfig.HttpProbe;
import dev.bowline.proxy.config.HealthCheckConfig.TcpProbe;
import dev.bowline.proxy.tls.ClientTlsContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A cluster's active health checker, as Envoy's: one {@link HealthCheckSession} per host, each on
 * one of the proxy's event loops (taken in turn), running the configured check (HTTP/1.1,
 * HTTP/2, gRPC or TCP) over the cluster's transport (TLS when the cluster originates it). Results
 * go to each host's {@link ActiveHealth} and to the listener, which rebuilds the cluster's host
 * set when a host's health changed.
 *
 * <p><b>Threading.</b> {@link #setHosts}, {@link #start} and {@link #close} are for the cluster's
 * control threads, one at a time (they are synchronized); sessions run on event loops and never
 * block; the listener is called on those event loops.
 */
public final class HealthChecker<H extends CheckedHost> {

  /** Hears each finished check. */
  public interface Listener<H> {
    /**
     * A check of {@code host} finished (on an event loop: must not block).
     *
     * @param passed whether it passed
     * @param changed whether the host's health (or its pending state) changed
     */
    void checked(H host, boolean passed, boolean changed);
  }

  /** Makes the check client of a host's session (tests give scripted ones). */
  interface ClientFactory<H> {
    CheckClient create(H host, EventLoop loop);
  }

  private final HealthCheckConfig config;
  private final EventLoopGroup loops;
  private final ProbeConnector connector;
  private final Function<H, Optional<ClientTlsContext>> tls;
  private final BooleanSupplier hadTraffic;
  private final HealthCheckStats stats;
  private final Listener<H> listener;
  private final CheckExchange exchange;
  private final ClientFactory<H> clients;
  private final Map<H, HealthCheckSession<H>> sessions = new IdentityHashMap<>();
  private CountDownLatch firstRound = new CountDownLatch(0);
  private boolean started;
  private boolean closed;

  /**
   * @param config the health check
   * @param clusterName the cluster's name (the default {@code Host} or {@code :authority})
   * @param loops the event loops checks run on
   * @param connector opens check connections
   * @param tls the TLS origination to each host, if any (Envoy checks a host over the transport
   *     socket its traffic takes)
   * @param hadTraffic whether the cluster has ever opened a connection for traffic (before that,
   *     hosts are checked every {@code no_traffic_interval})
   * @param stats where checks are counted
   * @param listener hears each finished check
   */
  public HealthChecker(
      HealthCheckConfig config,
      String clusterName,
      EventLoopGroup loops,
      ProbeConnector connector,
      Function<H, Optional<ClientTlsContext>> tls,
      BooleanSupplier hadTraffic,
      HealthCheckStats stats,
      Listener<H> listener) {
    this(config, clusterName, loops, connector, tls, hadTraffic, stats, listener, null);
  }

  /** As above, with the sessions' clients from {@code clients} when not null (tests). */
  HealthChecker(
      HealthCheckConfig config,
      String clusterName,
      EventLoopGroup loops,
      ProbeConnector connector,
      Function<H, Optional<ClientTlsContext>> tls,
      BooleanSupplier hadTraffic,
      HealthCheckStats stats,
      Listener<H> listener,
      ClientFactory<H> clients) {
    this.config = config;
    this.loops = loops;
    this.connector = connector;
    this.tls = tls;
    this.hadTraffic = hadTraffic;
    this.stats = stats;
    this.listener = listener;
    if (config.probe() instanceof HttpProbe http) {
      this.exchange = new HttpCheckExchange(http, clusterName);
    } else if (config.probe() instanceof GrpcProbe grpc) {
      this.exchange = new GrpcCheckExchange(grpc, clusterName, config.timeout());
    } else {
      this.exchange = null;
    }
    this.clients = clients != null ? clients : this::newClient;
  }

  /**
   * The cluster's hosts are now these: new hosts get a session (checked at once once started),
   * removed hosts lose theirs.
   */
  public synchronized void setHosts(List<H> hosts) {
    if (closed) {
      return;
    }
    Map<H, Boolean> next = new IdentityHashMap<>();
    for (H host : hosts) {
      next.put(host, Boolean.TRUE);
    }
    sessions.entrySet().removeIf(e -> {
      if (!next.containsKey(e.getKey())) {
        e.getValue().stop();
        return true;
      }
      return false;
    });
    for (H host : hosts) {
      if (!sessions.containsKey(host)) {
        HealthCheckSession<H> session = newSession(host);
        sessions.put(host, session);
        if (started) {
          session.start(null);
        }
      }
    }
  }

  /** Starts checking every host (once). */
  public synchronized void start() {
    if (started || closed) {
      return;
    }
    started = true;
    firstRound = new CountDownLatch(sessions.size());
    sessions.values().forEach(s -> s.start(firstRound));
  }

  /**
   * Waits until every host known at {@link #start()} has had its first result, at most {@code
   * nanos} (as Envoy warms a health-checked cluster before using it).
   *
   * @return whether they all had
   */
  public boolean awaitFirstChecks(long nanos) throws InterruptedException {
    CountDownLatch latch;
    synchronized (this) {
      latch = firstRound;
    }
    return latch.await(nanos, TimeUnit.NANOSECONDS);
  }

  /** Stops every session and closes their connections. */
  public synchronized void close() {
    closed = true;
    sessions.values().forEach(HealthCheckSession::stop);
    sessions.clear();
  }

  /** The statistics. */
  public HealthCheckStats stats() {
    return stats;
  }

  private HealthCheckSession<H> newSession(H host) {
    EventLoop loop = loops.next();
    return new HealthCheckSession<>(this, host, loop, clients.create(host, loop));
  }

  private CheckClient newClient(H host, EventLoop loop) {
    CheckConnection connection = new CheckConnection(loop, connector, host.checkAddress(), tls.apply(host));
    if (config.probe() instanceof TcpProbe tcp) {
      return new TcpCheckClient(connection, tcp, config.reuseConnection());
    }
    if (config.probe() instanceof HttpProbe http && !http.http2()) {
      return new Http1CheckClient(connection, exchange, config.reuseConnection());
    }
    return new Http2CheckClient(connection, exchange, config.reuseConnection());
  }

  // ---- for the sessions -------------------------------------------------------------------

  void checked(H host, boolean passed, boolean changed) {
    listener.checked(host, passed, changed);
  }

  long timeoutMillis() {
    return Math.max(1, config.timeout().toMillis());
  }

  int healthyThreshold() {
    return config.healthyThreshold();
  }

  int unhealthyThreshold() {
    return config.unhealthyThreshold();
  }

  long initialJitterMillis() {
    long max = config.initialJitter().toMillis();
    return max == 0 ? 0 : ThreadLocalRandom.current().nextLong(max);
  }

  /**
   * Envoy's {@code interval()}: the time to the next check after a pass or a failure, and
   * whether that result left a change pending.
   */
  long nextIntervalMillis(boolean passed, boolean pending) {
    long base;
    if (hadTraffic.getAsBoolean()) {
      if (passed) {
        base = (pending ? config.healthyEdgeInterval() : config.interval()).toMillis();
      } else {
        base = (pending ? config.unhealthyEdgeInterval() : config.unhealthyInterval()).toMillis();
      }
    } else {
      base = (passed && !pending ? config.noTrafficHealthyInterval() : config.noTrafficInterval())
          .toMillis();
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long percentJitter = config.intervalJitterPercent() * base / 100;
    if (percentJitter > 0) {
      base += random.nextLong(percentJitter);
    }
    long jitter = config.intervalJitter().toMillis();
    if (jitter > 0) {
      base += random.nextLong(jitter);
    }
    return Math.max(1, base);
  }
}
