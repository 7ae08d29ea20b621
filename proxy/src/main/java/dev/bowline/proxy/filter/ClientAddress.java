package dev.bowline.proxy.filter;

/**
 * Which address is the client's, as Envoy decides it for a request (its "downstream remote
 * address"): with {@code use_remote_address} the connection's peer; otherwise the last entry of
 * {@code x-forwarded-for} after skipping {@code xff_num_trusted_hops} entries from the right, when
 * the header has that many; else the peer.
 *
 * <p>Stateless.
 */
public final class ClientAddress {

  private ClientAddress() {}

  /**
   * @param peer the connection's peer address, without port
   * @param forwardedFor the request's {@code x-forwarded-for} (as received, or null)
   * @param useRemoteAddress the connection manager's {@code use_remote_address}
   * @param trustedHops its {@code xff_num_trusted_hops}
   */
  public static String of(
      String peer, String forwardedFor, boolean useRemoteAddress, int trustedHops) {
    if (useRemoteAddress || forwardedFor == null || forwardedFor.isBlank()) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    int index = hops.length - 1 - trustedHops;
    if (index < 0) {
      return peer;
    }
    String hop = hops[index].strip();
    return hop.isEmpty() ? peer : hop;
  }
}
