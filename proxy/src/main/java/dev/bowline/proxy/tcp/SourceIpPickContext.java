package dev.bowline.proxy.tcp;

import dev.bowline.proxy.hash.XxHash64;
import dev.bowline.spi.lb.PickContext;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The hash key of a TCP connection under {@code hash_policy: [{source_ip: {}}]}: the {@link
 * XxHash64} of the downstream peer's IP address as text, as Envoy computes it (and as the HTTP
 * {@code connection_properties.source_ip} policy does), so a hashing balancer sends every
 * connection from one client to the same host.
 *
 * <p>Immutable; made once per connection on its event loop.
 */
final class SourceIpPickContext implements PickContext {

  private final long key;

  private SourceIpPickContext(long key) {
    this.key = key;
  }

  /** The context of {@code downstream}; {@link PickContext#NONE} when its peer has no IP. */
  static PickContext of(Channel downstream) {
    SocketAddress peer = downstream.remoteAddress();
    if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return new SourceIpPickContext(XxHash64.hash(inet.getAddress().getHostAddress()));
    }
    return PickContext.NONE;
  }

  @Override
  public boolean hasHashKey() {
    return true;
  }

  @Override
  public long hashKey() {
    return key;
  }
}
