package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.lb.UpstreamHost;
import java.nio.charset.StandardCharsets;

/**
 * The string that places a host on a ring or in a Maglev table: its {@code address:port}, with
 * brackets around an IPv6 address, which is what Envoy hashes by default (its
 * {@code Address::asString()}). The same host set therefore gets the same ring or table as in
 * Envoy.
 *
 * <p>Stateless and thread-safe.
 */
final class HostHashKeys {

  private HostHashKeys() {}

  /** The key of {@code host}, such as {@code 10.0.0.1:8080} or {@code [fd00::1]:8080}. */
  static String of(UpstreamHost host) {
    return host.endpoint().authority();
  }

  /** The key of {@code host} in UTF-8. */
  static byte[] bytesOf(UpstreamHost host) {
    return of(host).getBytes(StandardCharsets.UTF_8);
  }
}
