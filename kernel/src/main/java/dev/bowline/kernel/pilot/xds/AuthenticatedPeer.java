package dev.bowline.kernel.pilot.xds;

import dev.bowline.spi.model.SpiffeId;
import io.grpc.Context;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity an xDS client proved with its workload certificate on the control plane's mutual
 * TLS port, kept in the call's gRPC {@link Context} by {@link ClientCertificateAuthenticator}.
 * Streams on the plaintext port (local development) have none. Immutable.
 *
 * @param id the SPIFFE identity of the client's certificate
 * @param chain the certificates the client presented, leaf first (which root the client's
 *     certificate chains to matters during a root rotation)
 */
public record AuthenticatedPeer(SpiffeId id, List<X509Certificate> chain) {

  static final Context.Key<AuthenticatedPeer> KEY = Context.key("bowline-xds-peer");

  public AuthenticatedPeer {
    Objects.requireNonNull(id, "id");
    chain = List.copyOf(chain);
  }

  /** The peer of the call being served, if it proved an identity. */
  public static Optional<AuthenticatedPeer> current() {
    return Optional.ofNullable(KEY.get());
  }
}
