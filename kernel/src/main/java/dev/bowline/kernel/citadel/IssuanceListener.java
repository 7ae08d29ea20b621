package dev.bowline.kernel.citadel;

import dev.bowline.spi.model.SpiffeId;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Told of every certificate Citadel issued: a root rotation learns from it which proxies already
 * hold a certificate under the new root.
 *
 * <p><b>Threading.</b> Called on Citadel's signing threads, once per certificate; must be
 * thread-safe and must not block.
 */
@FunctionalInterface
public interface IssuanceListener {

  /** Nobody listens. */
  IssuanceListener NONE = (identity, nodeId, chain) -> {};

  /**
   * A certificate was issued.
   *
   * @param identity the identity authenticated and certified
   * @param nodeId the xDS node the caller said it is ({@code NODE_ID} request metadata): a claim,
   *     to be believed only when that node's proven identity is {@code identity}
   * @param chain the chain answered, leaf first, the root last when the CA's bundle holds it
   */
  void issued(SpiffeId identity, Optional<String> nodeId, List<X509Certificate> chain);
}
