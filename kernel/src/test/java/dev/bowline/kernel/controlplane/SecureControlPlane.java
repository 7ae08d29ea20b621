package dev.bowline.kernel.controlplane;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Test fixture: a control plane as {@code bowline control-plane --data-dir} runs it, with the real
 * {@code ca-selfsigned} plugin (configured by {@code caConfig}), its mutual TLS port and API on
 * loopback, and no plaintext port. It can be stopped and started again on the same ports and data
 * (a control plane outage, a restart). Closing it closes the control plane, then the plugins.
 */
public final class SecureControlPlane implements AutoCloseable {

  private final Path dir;
  private final PluginHost plugins;
  private final int securePort;
  private final int apiPort;
  private ControlPlane controlPlane;

  private SecureControlPlane(Path dir, PluginHost plugins, int securePort, int apiPort) {
    this.dir = dir;
    this.plugins = plugins;
    this.securePort = securePort;
    this.apiPort = apiPort;
  }

  /** Starts one with the CA's default configuration, in {@code dir}. */
  public static SecureControlPlane start(Path dir) throws IOException {
    return start(dir, Map.of());
  }

  /**
   * Starts one in {@code dir} ({@code plugins/}, {@code data/}), the CA configured by {@code
   * caConfig} (the {@code ca-selfsigned} section of the plugin configuration).
   */
  public static SecureControlPlane start(Path dir, Map<String, Object> caConfig) throws IOException {
    int[] ports = JoinedSidecars.freePorts(2);
    PluginHost plugins = PluginHost.start(new PluginHostConfig(
        CaPluginJar.installInto(dir.resolve("plugins")), Set.of(), Set.of(),
        caConfig.isEmpty() ? Map.of() : Map.of("ca-selfsigned", caConfig), dir.resolve("data")),
        new MetricRegistry());
    SecureControlPlane fixture = new SecureControlPlane(dir, plugins, ports[0], ports[1]);
    try {
      fixture.startControlPlane();
      return fixture;
    } catch (IOException | RuntimeException e) {
      plugins.close();
      throw e;
    }
  }

  /** The running control plane. */
  public ControlPlane controlPlane() {
    return controlPlane;
  }

  /** The plugin host (the CA plugin's, and the proxies' in tests). */
  public PluginHost plugins() {
    return plugins;
  }

  /** Stops the control plane (the plugins stay), as an outage would. */
  public void stopControlPlane() {
    if (controlPlane != null) {
      controlPlane.close();
      controlPlane = null;
    }
  }

  /** Starts the control plane again on the same ports and data. */
  public void startControlPlane() throws IOException {
    controlPlane = ControlPlane.start(new ControlPlaneOptions(Optional.empty(), Optional.of(dir.resolve("data")),
        new InetSocketAddress("127.0.0.1", securePort), Optional.empty(),
        new InetSocketAddress("127.0.0.1", apiPort), MeshSettings.DEFAULTS, Duration.ofMinutes(5),
        ControlPlaneOptions.DEFAULT_CA), plugins);
  }

  @Override
  public void close() {
    stopControlPlane();
    plugins.close();
  }
}
