package dev.bowline.proxy.upstream.health;

import dev.bowline.proxy.tls.ClientTlsContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * HTTP/1.1 health checks over one connection, kept open between checks (Envoy's {@code
 * reuse_connection}, the default) unless the host answers {@code Connection: close}.
 *
 * <p><b>Threading.</b> Confined to the session's event loop.
 */
final class Http1CheckClient implements CheckClient {

  private final EventLoop loop;
  private final ProbeConnector connector;
  private final InetSocketAddress address;
  private final Optional<ClientTlsContext> tls;
  private final CheckExchange exchange;
  private final boolean reuse;
  private Channel channel;
  private boolean ready;
  private CheckCallback current;
  private ResponseJudge judge;
  private boolean keepAlive;

  Http1CheckClient(
      EventLoop loop,
      ProbeConnector connector,
      InetSocketAddress address,
      Optional<ClientTlsContext> tls,
      CheckExchange exchange,
      boolean reuse) {
    this.loop = loop;
    this.connector = connector;
    this.address = address;
    this.tls = tls;
    this.exchange = exchange;
    this.reuse = reuse;
  }

  @Override
  public void check(CheckCallback callback) {
    current = callback;
    judge = null;
    if (channel != null && ready && channel.isActive()) {
      send();
      return;
    }
    dropChannel();
    ChannelFuture connect =
        ProbeConnections.connect(loop, connector, address, tls,
            p -> p.addLast("codec", new HttpClientCodec()).addLast("check", new Responses()));
    Channel opening = connect.channel();
    channel = opening;
    ProbeConnections.whenReady(
        connect,
        new ProbeConnections.Opened() {
          @Override
          public void ready(Channel ch) {
            if (ch == channel) {
              ready = true;
              send();
            }
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
    judge = exchange.newJudge();
    keepAlive = true;
    channel.writeAndFlush(exchange.newRequest(channel.alloc()));
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

  /** Reads responses on the current connection; anything else is dropped. */
  private final class Responses extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (ctx.channel() != channel || current == null || judge == null) {
          return;
        }
        if (msg instanceof HttpResponse response) {
          judge.head(response);
          keepAlive = HttpUtil.isKeepAlive(response);
        }
        if (msg instanceof HttpContent content) {
          judge.content(content.content());
        }
        if (msg instanceof LastHttpContent last) {
          Verdict verdict = judge.end(last.trailingHeaders());
          CheckCallback callback = current;
          current = null;
          judge = null;
          if (!reuse || !keepAlive) {
            dropChannel();
          }
          callback.judged(verdict);
        }
      } finally {
        ReferenceCountUtil.release(msg);
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
