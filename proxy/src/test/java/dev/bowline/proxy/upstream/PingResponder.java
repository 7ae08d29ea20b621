package dev.bowline.proxy.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real TCP server for TCP health checks: on each connection it answers every {@code PING} it
 * reads with {@link #reply}. It can stop listening and listen again on the same port.
 */
final class PingResponder implements AutoCloseable {

  volatile String reply = "PONG";
  final AtomicInteger connections = new AtomicInteger();
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;

  PingResponder() throws IOException {
    ServerSocket first = bind(0);
    port = first.getLocalPort();
    serve(first);
  }

  int port() {
    return port;
  }

  /** Stops listening and drops every connection. */
  synchronized void stop() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }

  /** Listens again on the same port. */
  synchronized void restart() throws IOException {
    serve(bind(port));
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private void serve(ServerSocket socket) {
    server = socket;
    Thread acceptor = new Thread(() -> {
      while (!socket.isClosed()) {
        try {
          Socket c = socket.accept();
          connections.incrementAndGet();
          open.add(c);
          Thread t = new Thread(() -> answer(c), "ping-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return; // closed
        }
      }
    }, "ping-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void answer(Socket c) {
    try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
      StringBuilder seen = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0) {
        seen.append((char) b);
        if (seen.toString().endsWith("PING")) {
          out.write(reply.getBytes(StandardCharsets.US_ASCII));
          out.flush();
          seen.setLength(0);
        }
      }
    } catch (IOException e) {
      // the peer went away
    } finally {
      open.remove(c);
    }
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
