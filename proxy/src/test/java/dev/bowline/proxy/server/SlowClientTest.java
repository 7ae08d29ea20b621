package dev.bowline.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slow clients against request_headers_timeout and idle_timeout, over raw sockets. */
class SlowClientTest {

  private TestUpstream app;
  private ProxyServer proxy;
  private int port;

  @BeforeEach
  void start() throws Exception {
    app = new TestUpstream("app");
    HttpConnectionManagerConfig base =
        TestConfigs.http(
            TestConfigs.routes("virtual_hosts: [{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: app}}]}]"));
    HttpConnectionManagerConfig http =
        new HttpConnectionManagerConfig(
            base.statPrefix(), base.codec(), base.routeConfig(), base.httpFilters(),
            base.maxRequestHeadersKb(), base.maxHeadersCount(),
            Duration.ofMillis(400), base.streamIdleTimeout(), Duration.ofMillis(600), base.drainTimeout(),
            base.useRemoteAddress(), base.xffNumTrustedHops(), base.generateRequestId(), base.normalizePath(),
            base.mergeSlashes(), base.escapedSlashesAction(), base.http2(), base.accessLogs());
    proxy = new ProxyServer(1, BuiltinLoadBalancers.newRegistry(), f -> null, new MetricRegistry());
    proxy.apply(TestConfigs.proxy(TestConfigs.listener("ingress", http), TestConfigs.cluster("app", app.port())));
    port = proxy.listenerAddress("ingress").orElseThrow().getPort();
  }

  @AfterEach
  void stop() {
    proxy.close();
    app.close();
  }

  @Test
  void aClientThatNeverFinishesItsHeadersGets408AndIsClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: a\r\nX-Trickle: 1".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(reply).startsWith("HTTP/1.1 408 Request Timeout");
    }
    assertThat(app.requests.get()).isZero();
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /one HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      int n = in.read(buf);
      assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
      // Nothing more is sent: the proxy closes the idle connection.
      int rest;
      do {
        rest = in.read(buf);
      } while (rest > 0);
      assertThat(rest).isEqualTo(-1);
    }
  }

  @Test
  void aRequestLongerThanTheIdleTimeoutIsNotCutOff() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /delay/900 HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[4096];
      int n = s.getInputStream().read(buf);
      assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
    }
  }
}
