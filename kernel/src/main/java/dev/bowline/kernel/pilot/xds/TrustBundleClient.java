package dev.bowline.kernel.pilot.xds;

import dev.bowline.spi.model.SpiffeId;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A connected client that subscribed to the trust bundle secret ({@value TrustBundleSecret#NAME}):
 * which bundle it holds and which certificate it opened ADS with. A root rotation waits on these.
 * Immutable.
 *
 * @param nodeId the node id
 * @param identity the SPIFFE identity the client proved on the mutual TLS port; empty on the
 *     plaintext port
 * @param adsChain the certificates it presented when it opened ADS, leaf first; empty on the
 *     plaintext port
 * @param heldVersion the version of the bundle it last acknowledged ({@link
 *     TrustBundleSecret#versionOf}), or {@code ""} while it holds none from this control plane
 */
public record TrustBundleClient(
    String nodeId, Optional<SpiffeId> identity, List<X509Certificate> adsChain, String heldVersion) {

  public TrustBundleClient {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(identity, "identity");
    adsChain = List.copyOf(adsChain);
    Objects.requireNonNull(heldVersion, "heldVersion");
  }
}
