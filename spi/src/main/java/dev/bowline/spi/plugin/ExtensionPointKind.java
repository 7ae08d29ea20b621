package dev.bowline.spi.plugin;

import dev.bowline.spi.ca.CertificateAuthorityFactory;
import dev.bowline.spi.filter.HttpFilterFactory;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.mixer.PolicyAdapterFactory;
import dev.bowline.spi.mixer.TelemetryAdapterFactory;
import dev.bowline.spi.platform.PlatformAdapterFactory;
import java.util.Optional;

/**
 * The extension points Bowline defines, each with the factory interface a plugin implements and
 * the short name tools display.
 */
public enum ExtensionPointKind {
  PLATFORM_ADAPTER("platform-adapter", PlatformAdapterFactory.class),
  LOAD_BALANCER("load-balancer", LoadBalancerFactory.class),
  POLICY_ADAPTER("policy-adapter", PolicyAdapterFactory.class),
  TELEMETRY_ADAPTER("telemetry-adapter", TelemetryAdapterFactory.class),
  CERTIFICATE_AUTHORITY("certificate-authority", CertificateAuthorityFactory.class),
  HTTP_FILTER("http-filter", HttpFilterFactory.class);

  private final String displayName;
  private final Class<? extends NamedFactory<?>> factoryType;

  @SuppressWarnings({"unchecked", "rawtypes"})
  ExtensionPointKind(String displayName, Class<? extends NamedFactory> factoryType) {
    this.displayName = displayName;
    this.factoryType = (Class<? extends NamedFactory<?>>) (Class) factoryType;
  }

  /** The short name shown by tools, such as {@code load-balancer}. */
  public String displayName() {
    return displayName;
  }

  /** The factory interface a plugin implements for this extension point. */
  public Class<? extends NamedFactory<?>> factoryType() {
    return factoryType;
  }

  /** The extension point that {@code extensionClass} implements, if any. */
  public static Optional<ExtensionPointKind> of(Class<?> extensionClass) {
    for (ExtensionPointKind kind : values()) {
      if (kind.factoryType.isAssignableFrom(extensionClass)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
