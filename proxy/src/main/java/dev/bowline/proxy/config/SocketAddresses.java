package dev.bowline.proxy.config;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Reads Envoy {@code Address} messages. Addresses must be IP literals, as Envoy requires for
 * listeners and for STATIC and EDS endpoints (DNS clusters' names are read unresolved): nothing
 * here ever consults DNS. Stateless.
 */
final class SocketAddresses {

  private SocketAddresses() {}

  /**
   * The IP address and port of {@code address.socket_address}, or null after reporting a
   * problem. {@code path} is the path of the {@code address} field.
   *
   * @param minPort the lowest port allowed (0 for a listener, which then picks a free port)
   */
  static InetSocketAddress read(Address address, int minPort, String path, Problems problems) {
    String socketPath = Problems.join(path, "socket_address");
    if (!address.hasSocketAddress()) {
      if (address.getAddressCase() == Address.AddressCase.ADDRESS_NOT_SET) {
        problems.add(socketPath, "required");
      }
      return null; // pipe, internal address: reported as unsupported
    }
    SocketAddress socket = address.getSocketAddress();
    if (socket.getPortSpecifierCase() == SocketAddress.PortSpecifierCase.NAMED_PORT) {
      return null; // reported as unsupported
    }
    InetAddress ip = ip(socket.getAddress(), Problems.join(socketPath, "address"), problems);
    int port =
        ProtoValues.uint32(
            socket.getPortValue(), minPort, 65_535, Problems.join(socketPath, "port_value"),
            problems, -1);
    if (ip == null || port < 0) {
      return null;
    }
    return new InetSocketAddress(ip, port);
  }

  /**
   * The host name or IP literal and port of {@code address.socket_address}, unresolved (a DNS
   * cluster's endpoint), or null after reporting a problem.
   */
  static InetSocketAddress readName(Address address, String path, Problems problems) {
    String socketPath = Problems.join(path, "socket_address");
    if (!address.hasSocketAddress()) {
      if (address.getAddressCase() == Address.AddressCase.ADDRESS_NOT_SET) {
        problems.add(socketPath, "required");
      }
      return null;
    }
    SocketAddress socket = address.getSocketAddress();
    if (socket.getPortSpecifierCase() == SocketAddress.PortSpecifierCase.NAMED_PORT) {
      return null; // reported as unsupported
    }
    String host = socket.getAddress();
    if (host.isEmpty()) {
      problems.add(Problems.join(socketPath, "address"), "required");
    }
    int port =
        ProtoValues.uint32(
            socket.getPortValue(), 1, 65_535, Problems.join(socketPath, "port_value"), problems,
            -1);
    if (host.isEmpty() || port < 0) {
      return null;
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** The IP literal {@code text} (never resolved by DNS), or null after reporting a problem. */
  static InetAddress ip(String text, String path, Problems problems) {
    if (text.isEmpty()) {
      problems.add(path, "required");
      return null;
    }
    InetAddress ip = NetUtil.createInetAddressFromIpAddressString(text);
    if (ip == null) {
      problems.add(
          path,
          "'" + text + "' is not an IP address (host names are only for endpoints of"
              + " STRICT_DNS and LOGICAL_DNS clusters)");
    }
    return ip;
  }
}
