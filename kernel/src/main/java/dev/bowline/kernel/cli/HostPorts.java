package dev.bowline.kernel.cli;

import java.net.InetSocketAddress;

/** Parses and prints {@code host:port} option values ({@code [::1]:15010} for IPv6). */
final class HostPorts {

  private HostPorts() {}

  /**
   * Parses {@code host:port}; the address is resolved (an IP literal or {@code localhost}).
   *
   * @throws IllegalArgumentException naming {@code option} when the value is malformed
   */
  static InetSocketAddress parse(String option, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(option + " '" + value + "': expected HOST:PORT");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + " '" + value + "': the port must be 0-65535");
    }
    return new InetSocketAddress(host, port);
  }

  static String format(InetSocketAddress address) {
    String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
