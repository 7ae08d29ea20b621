package dev.bowline.proxy.filter;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP/2 client over plaintext with prior knowledge (h2c), on Netty's HTTP/2 codec: one
 * connection, a stream per request, each response read whole.
 */
final class H2cClient implements AutoCloseable {

  /** A response: status, headers (and trailers) by lower-case name, body text. */
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;

  H2cClient(int port) throws InterruptedException {
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(Http2FrameCodecBuilder.forClient().build())
                        .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  Response get(String path, Map<String, String> headers) throws Exception {
    return send(HttpMethod.GET, path, headers, null);
  }

  Response send(HttpMethod method, String path, Map<String, String> headers, String body)
      throws Exception {
    CompletableFuture<Response> result = new CompletableFuture<>();
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(channel)
            .handler(
                new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel ch) {
                    ch.pipeline()
                        .addLast(new Http2StreamFrameToHttpObjectCodec(false))
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(
                            new SimpleChannelInboundHandler<FullHttpResponse>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, FullHttpResponse msg) {
                                Map<String, String> h = new TreeMap<>();
                                msg.headers().forEach(e -> h.putIfAbsent(e.getKey().toLowerCase(), e.getValue()));
                                msg.trailingHeaders()
                                    .forEach(e -> h.putIfAbsent(e.getKey().toLowerCase(), e.getValue()));
                                result.complete(
                                    new Response(
                                        msg.status().code(),
                                        h,
                                        msg.content().toString(StandardCharsets.UTF_8)));
                              }

                              @Override
                              public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                                result.completeExceptionally(t);
                              }
                            });
                  }
                })
            .open()
            .sync()
            .getNow();
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            method,
            path,
            body == null
                ? Unpooled.EMPTY_BUFFER
                : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    request.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
    headers.forEach(request.headers()::set);
    if (body != null) {
      HttpUtil.setContentLength(request, request.content().readableBytes());
    }
    stream.writeAndFlush(request);
    return result.get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
