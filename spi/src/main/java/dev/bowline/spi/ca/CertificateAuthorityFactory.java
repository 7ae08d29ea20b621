package dev.bowline.spi.ca;

import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;

/**
 * Extension point: a certificate authority backend for Citadel, such as
 * {@code bowline.ca.selfsigned} or {@code bowline.ca.file}.
 *
 * <p><b>Threading.</b> Stateless and thread-safe, like every {@link NamedFactory}.
 *
 * @param <C> the validated configuration type
 */
public interface CertificateAuthorityFactory<C> extends NamedFactory<C> {

  /**
   * Makes the CA. May read or create key material (for example in
   * {@link PluginContext#config()}'s data directory); runs on a host thread at start-up.
   */
  CertificateAuthority newAuthority(C config, PluginContext context);
}
