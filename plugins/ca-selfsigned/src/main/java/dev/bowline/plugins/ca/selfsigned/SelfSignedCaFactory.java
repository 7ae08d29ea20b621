package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityFactory;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.ExtensionMetadata;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.SecurityPosture;
import java.time.Clock;
import java.util.Map;
import org.pf4j.Extension;

/**
 * The {@code bowline.ca.selfsigned} certificate authority, Citadel's default (as Istio's
 * self-signed CA): on first start it makes a root (ten years; EC P-256 unless configured RSA;
 * {@code O=<trust domain>}) and, if configured, an intermediate, and stores them in its data
 * directory ({@link DataDirectory}) owner-only; later starts load them, and a file that cannot be
 * read is an error naming it, never silently replaced ({@link CaFiles}). It rotates its root in
 * the three steps of {@link dev.bowline.spi.ca.RootRotation}, resuming a rotation at start in the
 * phase its files are in ({@link RootRotationFiles}).
 *
 * <p><b>Configuration</b> ({@link SelfSignedCaConfigParser}): {@code trustDomain} (default {@code
 * cluster.local}), {@code defaultTtl} (24h), {@code maxTtl} (2160h, 90 days), {@code keyAlgorithm}
 * ({@code EC} or {@code RSA}), {@code intermediate} (false).
 *
 * <p><b>Threading.</b> Stateless and thread-safe. {@link #newAuthority} does file I/O and key
 * generation: call it on a host thread at start-up.
 */
@Extension
public final class SelfSignedCaFactory implements CertificateAuthorityFactory<SelfSignedCaConfig> {

  /** The canonical name, {@value}. */
  public static final String NAME = "bowline.ca.selfsigned";

  private static final ExtensionMetadata METADATA =
      new ExtensionMetadata(
          ExtensionStatus.ALPHA,
          SecurityPosture.DATA_PLANE_AGNOSTIC,
          "Issues X.509-SVIDs from a root (and optional intermediate) it makes on first start and"
              + " keeps owner-only in its data directory.");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExtensionMetadata metadata() {
    return METADATA;
  }

  @Override
  public ConfigOrError<SelfSignedCaConfig> parseConfig(Map<String, ?> raw) {
    return SelfSignedCaConfigParser.parse(raw);
  }

  /**
   * Loads or makes the CA's key material, resuming a root rotation where its files left it.
   *
   * @throws IllegalStateException naming the setting or file when the data directory is not
   *     configured or its files cannot be used
   */
  @Override
  public CertificateAuthority newAuthority(SelfSignedCaConfig config, PluginContext context) {
    Clock clock = Clock.systemUTC();
    RootRotationFiles files = new RootRotationFiles(new CaFiles(DataDirectory.of(context)));
    SigningState state =
        SelfSignedCaStartup.start(config, files, clock.instant(), context.logger());
    return new SelfSignedCertificateAuthority(
        config,
        new SelfSignedRootRotation(config, state, files, clock, context.logger()),
        clock);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
