package dev.bowline.proxy.xds;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;

/**
 * Checks that a resource's {@code config_source} (an HCM's {@code rds.config_source}, a cluster's
 * {@code eds_cluster_config.eds_config}) asks for what the client can deliver: the resource over
 * the same ADS stream ({@code ads}, {@code self}, or nothing set). Stateless.
 */
final class AdsConfigSources {

  private AdsConfigSources() {}

  static void check(ConfigSource source, String path, Problems problems) {
    switch (source.getConfigSourceSpecifierCase()) {
      case ADS:
      case SELF:
      case CONFIGSOURCESPECIFIER_NOT_SET:
        return;
      default:
        problems.add(Problems.join(path, source.getConfigSourceSpecifierCase().name().toLowerCase()),
            "not supported by Bowline: its xDS client receives every resource over ADS"
                + " (use ads: {})");
    }
  }
}
