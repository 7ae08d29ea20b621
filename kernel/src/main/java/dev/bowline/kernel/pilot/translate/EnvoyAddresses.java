package dev.bowline.kernel.pilot.translate;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;

/** Envoy TCP socket addresses of listeners and endpoints. Stateless. */
final class EnvoyAddresses {

  private EnvoyAddresses() {}

  /** {@code ip:port} over TCP; {@code ip} is an IP literal. */
  static Address tcp(String ip, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))
        .build();
  }
}
