package dev.bowline.proxy.identity;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.util.Optional;

/**
 * How a proxy reaches the control plane's port 15012: TLS in which the proxy presents its current
 * workload certificate, if it holds one yet ({@link WorkloadKeyManager}), and accepts the control
 * plane only by its SPIFFE identity ({@link ControlPlaneIdentity}) chained to the current trust
 * bundle ({@link SvidTrustManager}). Both are read from {@link WorkloadSecrets} at every handshake,
 * so a renewed certificate or a new bundle needs no new channel. Stateless.
 */
public final class ControlPlaneTls {

  private ControlPlaneTls() {}

  /** Channel credentials for Citadel and ADS on 15012 in {@code trustDomain}. */
  public static ChannelCredentials channelCredentials(WorkloadSecrets secrets, String trustDomain) {
    return TlsChannelCredentials.newBuilder()
        .keyManager(new WorkloadKeyManager(secrets::certificate))
        .trustManager(new SvidTrustManager(
            secrets::trustBundle, trustDomain, Optional.of(ControlPlaneIdentity.in(trustDomain))))
        .build();
  }
}
