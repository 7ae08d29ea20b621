package dev.bowline.kernel.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.proxy.admin.AdminServer;
import dev.bowline.proxy.config.BootstrapLoader;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.filter.HttpFilterFactory;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.FactoryRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy process: the plugin balancers wired into the proxy, the bootstrap applied, the
 * admin server up. The composition root for {@code bowline proxy}.
 *
 * <p><b>Threading.</b> {@link #drainAndStop} may be called from any thread (signal handler, admin
 * {@code /quitquitquit}); it runs once.
 */
public final class ProxyRuntime {

  private static final Logger log = LoggerFactory.getLogger(ProxyRuntime.class);

  private final ProxyServer server;
  private final AdminServer admin;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();

  private ProxyRuntime(ProxyServer server, AdminServer admin) {
    this.server = server;
    this.admin = admin;
  }

  /**
   * Starts a proxy from {@code bootstrap}.
   *
   * @throws ConfigException naming each problem of the bootstrap; nothing is left running then
   */
  public static ProxyRuntime start(Path bootstrap, int concurrency, PluginHost plugins)
      throws ConfigException {
    long start = System.nanoTime();
    ProxyConfig config = new BootstrapLoader().load(bootstrap);
    FactoryRegistry<LoadBalancerFactory<?>> balancers = BuiltinLoadBalancers.newRegistry();
    plugins.factories(LoadBalancerFactory.class).forEach(f -> balancers.register((LoadBalancerFactory<?>) f));
    FactoryRegistry<HttpFilterFactory<?>> filters = new FactoryRegistry<>("HTTP filter");
    plugins.factories(HttpFilterFactory.class).forEach(f -> filters.register((HttpFilterFactory<?>) f));
    MetricRegistry metrics = new MetricRegistry();
    ProxyServer server = new ProxyServer(concurrency, balancers, filters, plugins::contextFor, metrics);
    try {
      server.apply(config);
    } catch (ConfigException e) {
      server.close();
      throw e;
    }
    String dump = configDump(bootstrap);
    ProxyRuntime[] self = new ProxyRuntime[1];
    AdminServer admin =
        config.admin()
            .map(a -> AdminServer.start(a, server, () -> dump, () -> self[0].drainAndStop(Duration.ZERO)))
            .orElse(null);
    self[0] = new ProxyRuntime(server, admin);
    for (var l : config.listeners()) {
      log.info(
          "listener {} ready on {}", l.name(), server.listenerAddress(l.name()).map(Object::toString).orElse("?"));
    }
    if (admin != null) {
      log.info("admin ready on {}", admin.address());
    }
    log.info("proxy ready in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
    return self[0];
  }

  /** Stops accepting, lets requests in flight finish within {@code drainTime}, then stops. */
  public void drainAndStop(Duration drainTime) {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    int left = server.drain(drainTime);
    if (left > 0) {
      log.warn("drain time over: closing {} connection(s) still open", left);
    }
    if (admin != null) {
      admin.close();
    }
    server.close();
    stopped.countDown();
  }

  /** Blocks until the proxy has stopped. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** The proxy server, for tests and the control plane. */
  public ProxyServer server() {
    return server;
  }

  /** The effective configuration in Envoy's {@code /config_dump} shape. */
  private static String configDump(Path bootstrap) {
    try {
      ObjectMapper json = new ObjectMapper();
      Object tree = new ObjectMapper(new YAMLFactory()).readValue(Files.readString(bootstrap), Object.class);
      ObjectNode root = json.createObjectNode();
      ObjectNode entry = root.putArray("configs").addObject();
      entry.put("@type", "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump");
      entry.set("bootstrap", json.valueToTree(tree));
      return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (IOException e) {
      return "{\"configs\": []}";
    }
  }
}
