package dev.bowline.kernel.proxy;

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
 */
public record JoinCredentials(Optional<String> joinToken, List<X509Certificate> caRoots, String trustDomain) {

  public JoinCredentials {
    Objects.requireNonNull(joinToken, "joinToken");
    caRoots = List.copyOf(caRoots);
    Objects.requireNonNull(trustDomain, "trustDomain");
    if (caRoots.isEmpty()) {
      throw new IllegalArgumentException("at least one CA root is needed to verify the control plane");
    }
  }
}
