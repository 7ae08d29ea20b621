package dev.bowline.kernel.proxy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a proxy joins the mesh over the control plane's mutual TLS port: the join token that proves
 * its service account for the first certificate, the roots that verify the control plane (the
 * trust bundle, {@code bowlinectl ca root}), and the trust domain whose control plane identity it
 * accepts. Immutable.
 *
 * @param joinToken the token from {@code bowlinectl token create}; without one the proxy cannot get
 *     its first certificate
 * @param caRoots the trust bundle the proxy starts with (the control plane may send a newer one)
 * @param trustDomain the mesh's trust domain
 * @param caRootFile the file {@code caRoots} came from, kept equal to the bundle the proxy holds
 *     ({@link TrustBundleFile}) so that a restart after a root rotation still trusts the control
 *     plane; empty to leave no file behind
 */
public record JoinCredentials(Optional<String> joinToken, List<X509Certificate> caRoots, String trustDomain,
    Optional<Path> caRootFile) {

  /** Credentials whose roots come from no file. */
  public JoinCredentials(Optional<String> joinToken, List<X509Certificate> caRoots, String trustDomain) {
    this(joinToken, caRoots, trustDomain, Optional.empty());
  }

  public JoinCredentials {
    Objects.requireNonNull(joinToken, "joinToken");
    caRoots = List.copyOf(caRoots);
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(caRootFile, "caRootFile");
    if (caRoots.isEmpty()) {
      throw new IllegalArgumentException("at least one CA root is needed to verify the control plane");
    }
  }
}
