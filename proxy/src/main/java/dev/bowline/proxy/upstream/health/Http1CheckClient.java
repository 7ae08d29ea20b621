package dev.bowline.proxy.upstream.health;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * HTTP/1.1 health checks over one connection, kept open between checks (Envoy's {@code
 * reuse_connection}, the default) unless the host answers {@code Connection: close}.
 *
 * <p><b>Threading.</b> Confined to the session's event loop.
 */
final class Http1CheckClient implements CheckClient {

  private final CheckConnection connection;
  private final CheckExchange exchange;
  private final boolean reuse;
  private CheckCallback current;
  private ResponseJudge judge;
  private boolean keepAlive;

  Http1CheckClient(CheckConnection connection, CheckExchange exchange, boolean reuse) {
    this.connection = connection;
    this.exchange = exchange;
    this.reuse = reuse;
  }

  @Override
  public void check(CheckCallback callback) {
    current = callback;
    judge = null;
    if (connection.isReady()) {
      send();
      return;
    }
    connection.open(
        p -> p.addLast("codec", new HttpClientCodec()).addLast("check", new Responses()),
        new ProbeConnections.Opened() {
          @Override
          public void ready(Channel ch) {
            send();
          }

          @Override
          public void failed() {
            fail();
          }
        });
  }

  private void send() {
    judge = exchange.newJudge();
    keepAlive = true;
    Channel channel = connection.channel();
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
    connection.drop();
  }

  /** Reads responses on the current connection; anything else is dropped. */
  private final class Responses extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (!connection.isCurrent(ctx.channel()) || current == null || judge == null) {
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
            connection.drop();
          }
          callback.judged(verdict);
        }
      } finally {
        ReferenceCountUtil.release(msg);
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
