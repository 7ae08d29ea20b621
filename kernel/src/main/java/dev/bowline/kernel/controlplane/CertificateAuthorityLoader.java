package dev.bowline.kernel.controlplane;

import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityFactory;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Makes Citadel's certificate authority from the plugin host: the {@link
 * CertificateAuthorityFactory} named in the control plane's configuration ({@code bowline control-plane --ca},
 * default {@value ControlPlaneOptions#DEFAULT_CA}), configured by its plugin's section ({@code
 * plugins.config.<plugin id>}), with the plugin's data directory. Stateless.
 */
final class CertificateAuthorityLoader {

  private CertificateAuthorityLoader() {}

  /**
   * The CA named {@code name}.
   *
   * @throws IllegalStateException naming what is missing or wrong: no such CA among the started
   *     plugins (with the ones there are), each invalid configuration field, or the CA's own
   *     start-up failure
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static CertificateAuthority load(PluginHost plugins, String name) {
    CertificateAuthorityFactory factory = plugins.factory(CertificateAuthorityFactory.class, name)
        .orElseThrow(() -> new IllegalStateException("no certificate authority " + name
            + " among the started plugins (" + describe(plugins.factories(CertificateAuthorityFactory.class))
            + "; plugins directory " + plugins.pluginsDirectory() + "): install its plugin (the default, "
            + ControlPlaneOptions.DEFAULT_CA + ", is plugins/ca-selfsigned) or choose another with --ca"));
    PluginContext context = plugins.contextFor(factory);
    ConfigOrError<?> config = factory.parseConfig(context.config());
    if (!config.isOk()) {
      throw new IllegalStateException("certificate authority " + name + ": invalid configuration: "
          + config.errors().stream()
              .map(e -> "plugins.config." + context.pluginId() + "." + e.field() + ": " + e.message())
              .collect(Collectors.joining("; ")));
    }
    try {
      return factory.newAuthority(config.value(), context);
    } catch (RuntimeException e) {
      throw new IllegalStateException("certificate authority " + name + " cannot start: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("rawtypes")
  private static String describe(List<? extends NamedFactory> factories) {
    return factories.isEmpty() ? "there is none"
        : "there are " + factories.stream().map(f -> f.name()).collect(Collectors.joining(", "));
  }
}
