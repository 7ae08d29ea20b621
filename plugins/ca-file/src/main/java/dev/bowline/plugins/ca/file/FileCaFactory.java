package dev.bowline.plugins.ca.file;

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
 * The {@code bowline.ca.file} certificate authority (Istio's "plugged-in CA certificates"): signs
 * workload certificates with an operator's CA certificate chain and private key from PEM files,
 * such as an intermediate signed by the organization's root. The files are read and checked once at
 * start ({@link FileCaMaterial}); a bad file stops the CA with a message naming it.
 *
 * <p><b>Configuration</b> ({@link FileCaConfigParser}): {@code certChainFile}, {@code keyFile}
 * (required), {@code rootCertFile}, {@code trustDomain} (default {@code cluster.local}), {@code
 * defaultTtl} (24h), {@code maxTtl} (2160h, 90 days).
 *
 * <p><b>Threading.</b> Stateless and thread-safe. {@link #newAuthority} reads files: call it on a
 * host thread at start-up.
 */
@Extension
public final class FileCaFactory implements CertificateAuthorityFactory<FileCaConfig> {

  /** The canonical name, {@value}. */
  public static final String NAME = "bowline.ca.file";

  private static final ExtensionMetadata METADATA =
      new ExtensionMetadata(
          ExtensionStatus.ALPHA,
          SecurityPosture.DATA_PLANE_AGNOSTIC,
          "Issues X.509-SVIDs with an operator's CA certificate chain and key read from PEM"
              + " files.");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExtensionMetadata metadata() {
    return METADATA;
  }

  @Override
  public ConfigOrError<FileCaConfig> parseConfig(Map<String, ?> raw) {
    return FileCaConfigParser.parse(raw);
  }

  /**
   * Reads and checks the operator's files.
   *
   * @throws IllegalStateException naming the file when a file cannot be read or its contents cannot
   *     be used (mismatched key, not a CA, expired, no root)
   */
  @Override
  public CertificateAuthority newAuthority(FileCaConfig config, PluginContext context) {
    Clock clock = Clock.systemUTC();
    FileCaMaterial material = FileCaMaterial.load(config, clock.instant());
    context
        .logger()
        .info(
            "signing with {} from {}",
            material.signer().getSubjectX500Principal().getName(),
            config.certChainFile());
    return new FileCertificateAuthority(config, material, clock);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
