package dev.bowline.proxy.upstream.health;

import com.google.protobuf.ByteString;
import dev.bowline.proxy.config.HealthCheckConfig.TcpProbe;
import dev.bowline.proxy.tls.ClientTlsContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.Optional;

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

  private final EventLoop loop;
  private final ProbeConnector connector;
  private final InetSocketAddress address;
  private final Optional<ClientTlsContext> tls;
  private final TcpProbe probe;
  private final boolean reuse;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private Channel channel;
  private boolean ready;
  private CheckCallback current;

  TcpCheckClient(
      EventLoop loop,
      ProbeConnector connector,
      InetSocketAddress address,
      Optional<ClientTlsContext> tls,
      TcpProbe probe,
      boolean reuse) {
    this.loop = loop;
    this.connector = connector;
    this.address = address;
    this.tls = tls;
    this.probe = probe;
    this.reuse = reuse;
  }

  @Override
  public void check(CheckCallback callback) {
    current = callback;
    received.reset();
    if (!probe.connectOnly() && channel != null && ready && channel.isActive()) {
      send();
      return;
    }
    dropChannel();
    ChannelFuture connect =
        ProbeConnections.connect(loop, connector, address, tls,
            p -> p.addLast("check", new Bytes()));
    Channel opening = connect.channel();
    channel = opening;
    ProbeConnections.whenReady(
        connect,
        new ProbeConnections.Opened() {
          @Override
          public void ready(Channel ch) {
            if (ch != channel) {
              return;
            }
            ready = true;
            if (probe.connectOnly()) {
              CheckCallback done = current;
              current = null;
              send();
              dropChannel();
              if (done != null) {
                done.passed();
              }
              return;
            }
            send();
          }

          @Override
          public void failed() {
            if (opening == channel) {
              channel = null;
              fail();
            }
          }
        });
  }

  private void send() {
    if (!probe.send().isEmpty()) {
      channel.writeAndFlush(Unpooled.wrappedBuffer(probe.send().toByteArray()));
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
    dropChannel();
  }

  private void dropChannel() {
    Channel c = channel;
    channel = null;
    ready = false;
    if (c != null) {
      c.close();
    }
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
        if (ctx.channel() != channel || current == null) {
          return;
        }
        if (received.size() + in.readableBytes() > MAX_RECEIVED_BYTES) {
          dropChannel();
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
            dropChannel();
          }
          callback.passed();
        }
      } finally {
        in.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() == channel) {
        channel = null;
        ready = false;
        fail();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
