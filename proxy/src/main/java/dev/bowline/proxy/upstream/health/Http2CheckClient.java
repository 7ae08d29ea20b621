package dev.bowline.proxy.upstream.health;

import dev.bowline.proxy.http2.Http2Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * HTTP/2 health checks (an HTTP check with {@code codec_client_type: HTTP2}, or a gRPC check): one
 * connection, prior knowledge on plaintext or {@code h2} by ALPN under TLS, kept open between
 * checks unless {@code reuse_connection} is off or the host sent GOAWAY, and one stream per check.
 *
 * <p><b>Threading.</b> Confined to the session's event loop.
 */
final class Http2CheckClient implements CheckClient {

  private final CheckConnection connection;
  private final CheckExchange exchange;
  private final boolean reuse;
  private boolean goingAway;
  private CheckCallback current;
  private Http2StreamChannel stream;

  Http2CheckClient(CheckConnection connection, CheckExchange exchange, boolean reuse) {
    this.connection = connection;
    this.exchange = exchange;
    this.reuse = reuse;
  }

  @Override
  public void check(CheckCallback callback) {
    current = callback;
    if (!goingAway && connection.isReady()) {
      openStream();
      return;
    }
    stream = null;
    goingAway = false;
    connection.open(
        p -> {
          Http2Upstream.addConnectionHandlers(p);
          p.addLast("check-connection", new ConnectionFrames());
        },
        new ProbeConnections.Opened() {
          @Override
          public void ready(Channel ch) {
            SslHandler ssl = (SslHandler) ch.pipeline().get(ProbeConnections.TLS_HANDLER);
            String protocol = ssl == null ? null : ssl.applicationProtocol();
            if (protocol != null && !"h2".equals(protocol)) {
              dropConnection(); // the host does not speak HTTP/2 under TLS
              fail();
              return;
            }
            openStream();
          }

          @Override
          public void failed() {
            fail();
          }
        });
  }

  private void openStream() {
    Channel parent = connection.channel();
    new Http2StreamChannelBootstrap(parent)
        .handler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                Http2Upstream.addStreamHandlers(ch.pipeline(), "check", new Response());
              }
            })
        .open()
        .addListener(
            (Future<Http2StreamChannel> f) -> {
              if (!connection.isCurrent(parent) || current == null) {
                if (f.isSuccess()) {
                  f.getNow().close();
                }
                return;
              }
              if (!f.isSuccess()) {
                fail();
                return;
              }
              stream = f.getNow();
              stream.writeAndFlush(exchange.newRequest(stream.alloc()));
            });
  }

  private void fail() {
    CheckCallback callback = current;
    current = null;
    stream = null;
    if (callback != null) {
      callback.failed(true, false);
    }
  }

  @Override
  public void close() {
    current = null;
    dropConnection();
  }

  private void dropConnection() {
    stream = null;
    connection.drop();
  }

  /** Reads the current check's response on its stream. */
  private final class Response extends ChannelInboundHandlerAdapter {
    private ResponseJudge judge;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (ctx.channel() != stream || current == null) {
          return;
        }
        if (msg instanceof HttpResponse response) {
          judge = exchange.newJudge();
          judge.head(response);
        }
        if (judge == null) {
          return;
        }
        if (msg instanceof HttpContent content) {
          judge.content(content.content());
        }
        if (msg instanceof LastHttpContent last) {
          Verdict verdict = judge.end(last.trailingHeaders());
          CheckCallback callback = current;
          current = null;
          stream = null;
          ctx.close();
          if (!reuse || goingAway) {
            dropConnection();
          }
          callback.judged(verdict);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() == stream) {
        fail(); // reset before the response was complete
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The connection's own frames (SETTINGS, PING, GOAWAY): noted and released. */
  private final class ConnectionFrames extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame && connection.isCurrent(ctx.channel())) {
        goingAway = true;
      }
      ReferenceCountUtil.release(msg);
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
