package dev.bowline.proxy.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 upstream on a raw socket, for what a well-behaved server never does: each request
 * (bodiless; one per connection) gets the next {@link Act} of a script (the last one repeats).
 */
final class RawUpstream implements AutoCloseable {

  /** What to do with a request once its head has been read. */
  enum Act {
    /** Close the connection without answering. */
    CLOSE,
    /** Send a 200 head announcing 100 bytes, then 3 bytes, then close. */
    PARTIAL,
    /** Answer 200 with the body {@code ok}. */
    OK
  }

  private final ServerSocket socket;
  private final List<Act> script;
  private final Thread acceptor;
  final AtomicInteger requests = new AtomicInteger();

  RawUpstream(Act... script) throws IOException {
    this.script = List.of(script);
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "raw-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        serve(s);
      } catch (IOException e) {
        // closed, or the peer went away: next connection
      }
    }
  }

  private void serve(Socket s) throws IOException {
    if (!readHead(s.getInputStream())) {
      return;
    }
    int index = requests.getAndIncrement();
    Act act = script.get(Math.min(index, script.size() - 1));
    OutputStream out = s.getOutputStream();
    switch (act) {
      case CLOSE -> {}
      case PARTIAL ->
          out.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
      case OK ->
          out.write(
              "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
    }
    out.flush();
  }

  /** Reads up to the blank line that ends a request head; false at end of stream. */
  private static boolean readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
