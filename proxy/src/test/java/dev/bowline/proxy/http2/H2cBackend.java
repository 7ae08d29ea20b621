package dev.bowline.proxy.http2;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cleartext HTTP/2 (prior knowledge) application behind the proxy, on Netty: {@code /bytes/N}
 * answers N bytes of {@link Http1Backend#pattern}; {@code /trailers} answers a body and the
 * trailers {@code x-checksum: 42} and {@code x-done: yes}; anything else echoes {@code h2 METHOD
 * PATH} and the body. Records requests (headers as HTTP/1 names: {@code :authority} is {@code
 * host}, {@code :scheme} is {@code x-http2-scheme}) and connections.
 */
final class H2cBackend implements AutoCloseable {

  record Seen(String method, String path, Map<String, String> headers, byte[] body) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();

  H2cBackend() throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.incrementAndGet();
                    ch.pipeline()
                        .addLast(Http2FrameCodecBuilder.forServer().build())
                        .addLast(
                            new Http2MultiplexHandler(
                                new ChannelInitializer<Http2StreamChannel>() {
                                  @Override
                                  protected void initChannel(Http2StreamChannel stream) {
                                    stream
                                        .pipeline()
                                        .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                                        .addLast(new HttpObjectAggregator(16 * 1024 * 1024))
                                        .addLast(new Responder());
                                  }
                                }));
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  int port() {
    return ((java.net.InetSocketAddress) server.localAddress()).getPort();
  }

  private final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      byte[] body = new byte[request.content().readableBytes()];
      request.content().getBytes(request.content().readerIndex(), body);
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      request.headers().forEach(e -> headers.merge(e.getKey().toLowerCase(), e.getValue(), (a, b) -> a + "," + b));
      seen.add(new Seen(request.method().name(), request.uri(), headers, body));
      String path = request.uri();
      ByteBuf content;
      FullHttpResponse response;
      if (path.startsWith("/bytes/")) {
        content = Unpooled.wrappedBuffer(Http1Backend.pattern(Integer.parseInt(path.substring(7))));
        response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      } else if (path.startsWith("/trailers")) {
        content = Unpooled.copiedBuffer("body before trailers\n", StandardCharsets.UTF_8);
        response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
        response.trailingHeaders().set("x-checksum", "42").set("x-done", "yes");
      } else {
        byte[] head = ("h2 " + request.method() + " " + path + "\n").getBytes(StandardCharsets.UTF_8);
        content = Unpooled.buffer(head.length + body.length).writeBytes(head).writeBytes(body);
        response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
      }
      response.headers().set("x-upstream", "h2c");
      ctx.writeAndFlush(response);
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
