package dev.bowline.kernel.demo.bookinfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Addresses for the tests: a running service's, or one where nothing listens. */
final class Ports {

  private Ports() {}

  /** A loopback port to bind a server to, free a moment ago. */
  static int free() {
    return closed();
  }

  static InetSocketAddress local(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** A loopback port that nothing listens on (free a moment ago; a test may also bind it). */
  static int closed() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
