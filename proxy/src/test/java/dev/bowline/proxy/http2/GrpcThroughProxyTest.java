package dev.bowline.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.bowline.proxy.config.HttpConnectionManagerConfig.CodecType;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.server.ProxyServer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grpc-java client and server with the proxy between them: HTTP/2 downstream (h2c with prior
 * knowledge, and h2 over TLS) and an HTTP/2 cluster upstream (plaintext, and TLS with ALPN). Unary,
 * server, client and bidirectional streaming, a non-OK status, and deadlines and cancellations,
 * which must reach the server as a reset of its stream.
 */
class GrpcThroughProxyTest {

  private static final String ROUTES =
      """
      virtual_hosts:
      - name: grpc
        domains: ["*"]
        routes:
        - match: {prefix: "/", headers: [{name: x-upstream-tls, present_match: true}]}
          route: {cluster: grpc-tls, timeout: 0s}
        - match: {prefix: "/"}
          route: {cluster: grpc, timeout: 0s}
      """;

  @TempDir static Path dir;
  private static final List<Metadata> serverSaw = new CopyOnWriteArrayList<>();
  private static final AtomicReference<CountDownLatch> cancelled = new AtomicReference<>();
  /** Counted down when a hanging call reaches the server. */
  private static final AtomicReference<CountDownLatch> hanging = new AtomicReference<>();
  private static Server server;
  private static Server tlsServer;
  private static ProxyServer proxy;
  private static ManagedChannel plain;
  private static ManagedChannel tls;

  @BeforeAll
  static void start() throws Exception {
    H2Pki pki = H2Pki.create(dir);
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(new Service(), new RecordHeaders()))
            .build()
            .start();
    tlsServer =
        NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0),
                TlsServerCredentials.create(pki.serverCert.toFile(), pki.serverKey.toFile()))
            .addService(ServerInterceptors.intercept(new Service(), new RecordHeaders()))
            .build()
            .start();
    proxy = H2Configs.newProxy();
    var routes = H2Configs.routes(ROUTES);
    proxy.apply(
        new ProxyConfig(
            Optional.empty(),
            List.of(
                H2Configs.listener("plain", H2Configs.http(routes, CodecType.AUTO), Optional.empty()),
                H2Configs.listener(
                    "tls", H2Configs.http(routes, CodecType.AUTO), Optional.of(H2Configs.serverTls(pki)))),
            List.of(
                H2Configs.cluster("grpc", UpstreamProtocol.HTTP2, server.getPort()),
                H2Configs.cluster(
                    "grpc-tls",
                    UpstreamProtocol.HTTP2,
                    Optional.of(H2Configs.clientTls(pki)),
                    tlsServer.getPort()))));
    plain =
        NettyChannelBuilder.forAddress("127.0.0.1", proxy.listenerAddress("plain").orElseThrow().getPort())
            .usePlaintext()
            .build();
    tls =
        NettyChannelBuilder.forAddress(
                "127.0.0.1",
                proxy.listenerAddress("tls").orElseThrow().getPort(),
                TlsChannelCredentials.newBuilder().trustManager(pki.caCert.toFile()).build())
            .overrideAuthority("localhost")
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    for (ManagedChannel c : new ManagedChannel[] {plain, tls}) {
      if (c != null) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    if (proxy != null) {
      proxy.close();
    }
    for (Server s : new Server[] {server, tlsServer}) {
      if (s != null) {
        s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static SimpleRequest request(String text) {
    return SimpleRequest.newBuilder().setRequestMessage(text).build();
  }

  private static SimpleServiceGrpc.SimpleServiceBlockingStub blocking(ManagedChannel channel) {
    return SimpleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void unaryCallsGoThroughAndTheServerSeesTheProxysHeaders() {
    SimpleResponse response = blocking(plain).unaryRpc(request("hello"));

    assertThat(response.getResponseMessage()).isEqualTo("unary:hello");
    Metadata seen = serverSaw.get(serverSaw.size() - 1);
    assertThat(seen.get(Metadata.Key.of("x-forwarded-proto", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("http");
    assertThat(seen.get(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER))).isNotBlank();
    assertThat(seen.get(Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER)))
        .as("the deadline travels on").isNotBlank();
    assertThat(seen.keys()).noneMatch(k -> k.startsWith("x-http2-"));
  }

  @Test
  void serverStreamingDeliversEveryMessageInOrder() {
    Iterator<SimpleResponse> responses = blocking(plain).serverStreamingRpc(request("50"));
    List<String> got = new ArrayList<>();
    responses.forEachRemaining(r -> got.add(r.getResponseMessage()));

    assertThat(got).hasSize(50).startsWith("stream:0", "stream:1").endsWith("stream:49");
  }

  @Test
  void clientStreamingSeesEveryMessage() throws Exception {
    CompletableFuture<SimpleResponse> done = new CompletableFuture<>();
    StreamObserver<SimpleRequest> requests =
        SimpleServiceGrpc.newStub(plain)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .clientStreamingRpc(observer(done));
    for (int i = 0; i < 20; i++) {
      requests.onNext(request("m" + i));
    }
    requests.onCompleted();

    assertThat(done.get(10, TimeUnit.SECONDS).getResponseMessage()).isEqualTo("client-streaming:20:m0..m19");
  }

  @Test
  void bidiStreamingEchoesAsItGoes() throws Exception {
    List<String> got = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> completed = new CompletableFuture<>();
    StreamObserver<SimpleRequest> requests =
        SimpleServiceGrpc.newStub(tls)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .bidiStreamingRpc(
                new StreamObserver<>() {
                  @Override
                  public void onNext(SimpleResponse value) {
                    got.add(value.getResponseMessage());
                  }

                  @Override
                  public void onError(Throwable t) {
                    completed.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    completed.complete(null);
                  }
                });
    // Ping-pong: each answer arrives before the next question is sent.
    for (int i = 0; i < 10; i++) {
      requests.onNext(request("b" + i));
      int expected = i + 1;
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == expected);
    }
    requests.onCompleted();
    completed.get(10, TimeUnit.SECONDS);

    assertThat(got).containsExactly("bidi:b0", "bidi:b1", "bidi:b2", "bidi:b3", "bidi:b4", "bidi:b5", "bidi:b6", "bidi:b7", "bidi:b8", "bidi:b9");
  }

  @Test
  void tlsBothWaysWithAlpnOnEachSide() {
    SimpleResponse viaTls = blocking(tls).unaryRpc(request("secure"));
    assertThat(viaTls.getResponseMessage()).isEqualTo("unary:secure");

    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-upstream-tls", Metadata.ASCII_STRING_MARSHALLER), "1");
    SimpleResponse toTlsUpstream =
        blocking(tls)
            .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
            .unaryRpc(request("origination"));
    assertThat(toTlsUpstream.getResponseMessage()).isEqualTo("unary:origination");
    assertThat(serverSaw.get(serverSaw.size() - 1).get(Metadata.Key.of("x-forwarded-proto", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("https");
  }

  @Test
  void aNonOkStatusReachesTheClientWithItsMessage() {
    assertThatThrownBy(() -> blocking(plain).unaryRpc(request("fail")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).isEqualTo("no such thing");
            });
    // A failure after messages: the status travels in real trailers.
    Iterator<SimpleResponse> responses = blocking(plain).serverStreamingRpc(request("fail-after-3"));
    List<String> got = new ArrayList<>();
    assertThatThrownBy(() -> responses.forEachRemaining(r -> got.add(r.getResponseMessage())))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(got).hasSize(3);
  }

  @Test
  void anExpiredDeadlineCancelsTheUpstreamStream() {
    CountDownLatch latch = new CountDownLatch(1);
    cancelled.set(latch);

    assertThatThrownBy(
            () ->
                SimpleServiceGrpc.newBlockingStub(plain)
                    .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                    .unaryRpc(request("hang")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    await().atMost(Duration.ofSeconds(5)).until(() -> latch.getCount() == 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.clusters().get("grpc").activeRequests() == 0);
  }

  @Test
  void aClientCancellationResetsTheUpstreamStream() throws Exception {
    // No deadline: only the proxy's RST_STREAM can tell the server.
    CountDownLatch latch = new CountDownLatch(1);
    cancelled.set(latch);
    CompletableFuture<SimpleResponse> outcome = new CompletableFuture<>();
    AtomicReference<ClientCallStreamObserver<SimpleRequest>> call = new AtomicReference<>();
    StreamObserver<SimpleRequest> requests =
        SimpleServiceGrpc.newStub(plain)
            .clientStreamingRpc(
                new ClientResponseObserver<SimpleRequest, SimpleResponse>() {
                  @Override
                  public void beforeStart(ClientCallStreamObserver<SimpleRequest> requestStream) {
                    call.set(requestStream);
                  }

                  @Override
                  public void onNext(SimpleResponse value) {
                    outcome.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    outcome.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    CountDownLatch reached = new CountDownLatch(1);
    hanging.set(reached);
    requests.onNext(request("hang"));
    // Cancelled only once the server has the call: a call cancelled earlier never reaches it (the
    // proxy drops the upstream stream it was opening), and the server has nothing to hear.
    await().atMost(Duration.ofSeconds(5)).until(() -> reached.getCount() == 0);
    assertThat(proxy.clusters().get("grpc").activeRequests()).isEqualTo(1);
    call.get().cancel("the user gave up", null);

    await().atMost(Duration.ofSeconds(5)).until(() -> latch.getCount() == 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.clusters().get("grpc").activeRequests() == 0);
    assertThat(outcome).isCompletedExceptionally();
  }

  @Test
  void manyConcurrentCallsShareOneUpstreamConnectionPerLoop() throws Exception {
    SimpleServiceGrpc.SimpleServiceFutureStub stub = SimpleServiceGrpc.newFutureStub(plain);
    List<com.google.common.util.concurrent.ListenableFuture<SimpleResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(stub.withDeadlineAfter(10, TimeUnit.SECONDS).unaryRpc(request("c" + i)));
    }
    for (int i = 0; i < 200; i++) {
      assertThat(calls.get(i).get(10, TimeUnit.SECONDS).getResponseMessage()).isEqualTo("unary:c" + i);
    }
    assertThat(proxy.clusters().get("grpc").activeConnections()).isBetween(1, 2);
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  /** Records each call's request headers. */
  private static final class RecordHeaders implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      serverSaw.add(headers);
      return next.startCall(call, headers);
    }
  }

  /** The service: echoes, streams, fails on request, or hangs until cancelled. */
  private static final class Service extends SimpleServiceGrpc.SimpleServiceImplBase {

    /**
     * Counts down the current hanging latch now, and the current cancellation latch when the call
     * is cancelled.
     */
    private static void hang(StreamObserver<?> observer) {
      CountDownLatch reached = hanging.get();
      if (reached != null) {
        reached.countDown();
      }
      ((ServerCallStreamObserver<?>) observer)
          .setOnCancelHandler(
              () -> {
                CountDownLatch latch = cancelled.get();
                if (latch != null) {
                  latch.countDown();
                }
              });
    }

    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> observer) {
      String text = request.getRequestMessage();
      if (text.equals("fail")) {
        observer.onError(Status.NOT_FOUND.withDescription("no such thing").asRuntimeException());
      } else if (text.equals("hang")) {
        hang(observer);
      } else {
        observer.onNext(SimpleResponse.newBuilder().setResponseMessage("unary:" + text).build());
        observer.onCompleted();
      }
    }

    @Override
    public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> observer) {
      String text = request.getRequestMessage();
      boolean fail = text.startsWith("fail-after-");
      int n = Integer.parseInt(fail ? text.substring("fail-after-".length()) : text);
      for (int i = 0; i < n; i++) {
        observer.onNext(SimpleResponse.newBuilder().setResponseMessage("stream:" + i).build());
      }
      if (fail) {
        observer.onError(Status.RESOURCE_EXHAUSTED.withDescription("enough").asRuntimeException());
      } else {
        observer.onCompleted();
      }
    }

    @Override
    public StreamObserver<SimpleRequest> clientStreamingRpc(StreamObserver<SimpleResponse> observer) {
      // A streaming call sets its cancel handler up front; a "hang" message then just waits.
      hang(observer);
      List<String> got = new ArrayList<>();
      AtomicInteger count = new AtomicInteger();
      return new StreamObserver<>() {
        @Override
        public void onNext(SimpleRequest value) {
          got.add(value.getRequestMessage());
          count.incrementAndGet();
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          observer.onNext(
              SimpleResponse.newBuilder()
                  .setResponseMessage("client-streaming:" + count.get() + ":" + got.get(0) + ".." + got.get(got.size() - 1))
                  .build());
          observer.onCompleted();
        }
      };
    }

    @Override
    public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> observer) {
      return new StreamObserver<>() {
        @Override
        public void onNext(SimpleRequest value) {
          observer.onNext(SimpleResponse.newBuilder().setResponseMessage("bidi:" + value.getRequestMessage()).build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          observer.onCompleted();
        }
      };
    }
  }
}
