package dev.bowline.proxy.identity;

import dev.bowline.spi.model.SpiffeId;

/**
 * The control plane's own SPIFFE identity, {@code
 * spiffe://<trust domain>/ns/bowline-system/sa/bowline-control-plane}: its certificate on port
 * 15012 carries it (issued by the mesh's CA like any workload's), and proxies accept the control
 * plane only under it. Stateless.
 */
public final class ControlPlaneIdentity {

  /** The control plane's namespace. */
  public static final String NAMESPACE = "bowline-system";

  /** The control plane's service account. */
  public static final String SERVICE_ACCOUNT = "bowline-control-plane";

  private ControlPlaneIdentity() {}

  /** The control plane's identity in {@code trustDomain}. */
  public static SpiffeId in(String trustDomain) {
    return SpiffeId.forServiceAccount(trustDomain, NAMESPACE, SERVICE_ACCOUNT);
  }
}
