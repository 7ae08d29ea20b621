package dev.bowline.proxy.admin;

import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The proxy's admin server (Envoy's admin interface, default port 15000): readiness, health,
 * statistics in Envoy and Prometheus formats, the effective configuration, cluster membership, the
 * certificates held ({@code /certs}), and the drain and quit controls. The same server also answers Istio's merged-metrics port
 * ({@code /stats/prometheus}, default 15020) when bound there.
 *
 * <p><b>Threading.</b> Runs on its own single event loop, apart from traffic, so a busy proxy
 * still answers its operator.
 */
public final class AdminServer implements AutoCloseable {

  private final EventLoopGroup group;
  private final Channel channel;

  private AdminServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Binds the admin server.
   *
   * @param address where to listen
   * @param proxy the proxy to report on and control
   * @param configDump supplies the effective configuration as Envoy-shaped JSON
   * @param quit called (on a separate thread) for {@code /quitquitquit}
   */
  public static AdminServer start(
      InetSocketAddress address, ProxyServer proxy, Supplier<String> configDump, Runnable quit) {
    return start(address, proxy, configDump, () -> "{\"certificates\": []}\n", quit);
  }

  /**
   * Binds the admin server, with {@code /certs}.
   *
   * @param certs supplies the proxy's certificates as Envoy's {@code /certs} JSON (never a key)
   */
  public static AdminServer start(
      InetSocketAddress address,
      ProxyServer proxy,
      Supplier<String> configDump,
      Supplier<String> certs,
      Runnable quit) {
    Transport transport = Transport.best();
    EventLoopGroup group = transport.newGroup(1, "admin");
    AdminHandler handler = new AdminHandler(proxy, configDump, certs, quit);
    Channel ch =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel c) {
                    c.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(handler);
                  }
                })
            .bind(address)
            .syncUninterruptibly()
            .channel();
    return new AdminServer(group, ch);
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }
}
