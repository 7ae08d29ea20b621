package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.ca.CertificateAuthority;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the control plane gets Citadel's CA from the plugin host: the real {@code ca-selfsigned}
 * plugin, its data directory under the host's, and the errors that name what to fix.
 */
class CertificateAuthorityLoaderTest {

  @TempDir Path dir;

  private PluginHost host(Map<String, Map<String, Object>> pluginConfig) {
    return PluginHost.start(new PluginHostConfig(CaPluginJar.installInto(dir.resolve("plugins")), Set.of(),
        Set.of(), pluginConfig, dir.resolve("data")), new MetricRegistry());
  }

  @Test
  void theDefaultCaKeepsItsRootInThePluginsOwnDataDirectory() throws Exception {
    try (PluginHost plugins = host(Map.of());
        CertificateAuthority ca = CertificateAuthorityLoader.load(plugins, ControlPlaneOptions.DEFAULT_CA)) {
      Path data = dir.resolve("data/plugins/ca-selfsigned");
      assertThat(data.resolve("root-cert.pem")).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
      assertThat(ca.trustBundle()).hasSize(1);
    }
    try (PluginHost again = host(Map.of());
        CertificateAuthority ca = CertificateAuthorityLoader.load(again, ControlPlaneOptions.DEFAULT_CA)) {
      assertThat(ca.trustBundle().get(0).getEncoded())
          .as("the same root after a restart")
          .isEqualTo(java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCertificate(Files.newInputStream(dir.resolve("data/plugins/ca-selfsigned/root-cert.pem")))
              .getEncoded());
    }
  }

  @Test
  void aMissingCaNamesItselfAndThePluginsDirectory() {
    try (PluginHost empty = PluginHost.start(PluginHostConfig.of(dir.resolve("empty")), new MetricRegistry())) {
      assertThatThrownBy(() -> CertificateAuthorityLoader.load(empty, ControlPlaneOptions.DEFAULT_CA))
          .hasMessageContaining("no certificate authority bowline.ca.selfsigned")
          .hasMessageContaining(dir.resolve("empty").toString())
          .hasMessageContaining("--ca");
    }
    try (PluginHost plugins = host(Map.of())) {
      assertThatThrownBy(() -> CertificateAuthorityLoader.load(plugins, "example.ca.hsm"))
          .hasMessageContaining("no certificate authority example.ca.hsm")
          .hasMessageContaining("there are bowline.ca.selfsigned");
    }
  }

  @Test
  void anInvalidFieldIsNamedWithItsPath() {
    try (PluginHost plugins = host(Map.of("ca-selfsigned", Map.of("maxTtl", "soon")))) {
      assertThatThrownBy(() -> CertificateAuthorityLoader.load(plugins, ControlPlaneOptions.DEFAULT_CA))
          .hasMessageContaining("plugins.config.ca-selfsigned.maxTtl");
    }
  }

  @Test
  void aCaOfAnotherTrustDomainStopsTheControlPlaneWithItsReason() {
    try (PluginHost plugins = host(Map.of("ca-selfsigned", Map.of("trustDomain", "example.org")))) {
      assertThatThrownBy(() -> ControlPlane.start(new ControlPlaneOptions(Optional.empty(), Optional.empty(),
              new InetSocketAddress("127.0.0.1", 0), Optional.empty(), new InetSocketAddress("127.0.0.1", 0),
              MeshSettings.DEFAULTS, Duration.ofSeconds(10), ControlPlaneOptions.DEFAULT_CA), plugins))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("the control plane's own certificate was not issued")
          .hasMessageContaining("spiffe://cluster.local/ns/bowline-system/sa/bowline-control-plane");
    }
  }
}
