package dev.bowline.proxy.upstream.health;

import com.google.protobuf.ByteString;
import dev.bowline.proxy.config.HealthCheckConfig.TcpProbe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;

/**
 * TCP health checks, as Envoy's: with no {@code receive} payloads the check is connecting (plus
 * the TLS handshake when the cluster originates TLS), after which the connection is closed (any
 * {@code send} bytes are written first); otherwise {@code send} is written and the host passes
 * once every {@code receive} payload has arrived, in order though not necessarily adjacent, the
 * connection being kept for the next check unless {@code reuse_connection} is off. Bytes arriving
 * are kept up to 64 KiB per check; more fails the check.
 *
 * <p><b>Threading.</b> Confined to the session's event loop.
 */
final class TcpCheckClient implements CheckClient {

  private static final int MAX_RECEIVED_BYTES = 64 * 1024;

  private final CheckConnection connection;
  private final TcpProbe probe;
  private final boolean reuse;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private CheckCallback current;

  TcpCheckClient(CheckConnection connection, TcpProbe probe, boolean reuse) {
    this.connection = connection;
    this.probe = probe;
    this.reuse = reuse;
  }

  @Override
  public void check(CheckCallback callback) {
    current = callback;
    received.reset();
    if (!probe.connectOnly() && connection.isReady()) {
      send();
      return;
    }
    connection.open(
        p -> p.addLast("check", new Bytes()),
        new ProbeConnections.Opened() {
          @Override
          public void ready(Channel ch) {
            if (probe.connectOnly()) {
              CheckCallback done = current;
              current = null;
              send();
              connection.drop();
              if (done != null) {
                done.passed();
              }
              return;
            }
            send();
          }

          @Override
          public void failed() {
            fail();
          }
        });
  }

  private void send() {
    if (!probe.send().isEmpty()) {
      connection.channel().writeAndFlush(Unpooled.wrappedBuffer(probe.send().toByteArray()));
    }
  }

  private void fail() {
    CheckCallback callback = current;
    current = null;
    if (callback != null) {
      callback.failed(true, false);
    }
  }

  @Override
  public void close() {
    current = null;
    connection.drop();
  }

  /** Envoy's matcher: each payload found, in order, after the previous one. */
  static boolean matches(byte[] data, Iterable<ByteString> payloads) {
    int from = 0;
    for (ByteString payload : payloads) {
      int at = indexOf(data, payload, from);
      if (at < 0) {
        return false;
      }
      from = at + payload.size();
    }
    return true;
  }

  private static int indexOf(byte[] data, ByteString payload, int from) {
    int n = payload.size();
    outer:
    for (int i = from; i + n <= data.length; i++) {
      for (int j = 0; j < n; j++) {
        if (data[i + j] != payload.byteAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Collects what the host sends during a check. */
  private final class Bytes extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        if (!connection.isCurrent(ctx.channel()) || current == null) {
          return;
        }
        if (received.size() + in.readableBytes() > MAX_RECEIVED_BYTES) {
          connection.drop();
          fail();
          return;
        }
        byte[] bytes = new byte[in.readableBytes()];
        in.getBytes(in.readerIndex(), bytes);
        received.writeBytes(bytes);
        if (matches(received.toByteArray(), probe.receive())) {
          CheckCallback callback = current;
          current = null;
          received.reset();
          if (!reuse) {
            connection.drop();
          }
          callback.passed();
        }
      } finally {
        in.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (connection.lost(ctx.channel())) {
        fail();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
