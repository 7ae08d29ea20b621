package dev.bowline.kernel.pilot.xds;

import dev.bowline.spi.model.SpiffeId;
import io.grpc.Context;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity an xDS client proved with its workload certificate on the control plane's mutual
 * TLS port, kept in the call's gRPC {@link Context} by {@link ClientCertificateAuthenticator}.
 * Streams on the plaintext port (local development) have none. Immutable.
 *
 * @param id the SPIFFE identity of the client's certificate
 */
public record AuthenticatedPeer(SpiffeId id) {

  static final Context.Key<AuthenticatedPeer> KEY = Context.key("bowline-xds-peer");

  public AuthenticatedPeer {
    Objects.requireNonNull(id, "id");
  }

  /** The peer of the call being served, if it proved an identity. */
  public static Optional<AuthenticatedPeer> current() {
    return Optional.ofNullable(KEY.get());
  }
}
