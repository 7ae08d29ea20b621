package dev.bowline.proxy.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain blocking TCP server on 127.0.0.1, one thread per connection, for upstreams in tests.
 * Counts accepted connections and connections whose handler finished (after which the socket is
 * closed).
 */
final class BlockingServer implements AutoCloseable {

  /** What the server does with one connection; the socket is closed after it returns. */
  @FunctionalInterface
  interface Handler {
    void serve(Socket socket) throws IOException;
  }

  /** Copies everything it reads back until end of input, then closes. */
  static final Handler ECHO =
      s -> {
        s.getInputStream().transferTo(s.getOutputStream());
        s.shutdownOutput();
      };

  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger finished = new AtomicInteger();
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-upstream");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  BlockingServer(Handler handler) throws IOException {
    this(handler, 0);
  }

  /** @param receiveBuffer SO_RCVBUF for accepted sockets; 0 keeps the system's */
  BlockingServer(Handler handler, int receiveBuffer) throws IOException {
    server = new ServerSocket();
    if (receiveBuffer > 0) {
      server.setReceiveBufferSize(receiveBuffer);
    }
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    threads.execute(
        () -> {
          while (!server.isClosed()) {
            Socket s;
            try {
              s = server.accept();
            } catch (IOException e) {
              return;
            }
            accepted.incrementAndGet();
            open.add(s);
            threads.execute(
                () -> {
                  try (s) {
                    handler.serve(s);
                  } catch (IOException e) {
                    // The peer went away; nothing to do.
                  } finally {
                    open.remove(s);
                    finished.incrementAndGet();
                  }
                });
          }
        });
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    threads.shutdownNow();
  }
}
