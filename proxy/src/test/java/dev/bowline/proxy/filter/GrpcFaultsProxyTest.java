package dev.bowline.proxy.filter;

import static dev.bowline.proxy.filter.FilterProxy.FAULT_TYPE;
import static dev.bowline.proxy.filter.FilterProxy.LOCAL_RATE_LIMIT_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults and rate limits seen by a real gRPC client (grpc-java over h2c) through the proxy to a
 * real gRPC server: the answers are gRPC statuses, as Envoy's local replies to gRPC are.
 */
class GrpcFaultsProxyTest {

  @TempDir Path dir;
  private final AtomicInteger calls = new AtomicInteger();
  private Server server;
  private FilterProxy proxy;
  private ManagedChannel channel;

  private final class Service extends SimpleServiceGrpc.SimpleServiceImplBase {
    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
      calls.incrementAndGet();
      response.onNext(SimpleResponse.newBuilder().setResponseMessage("ok").build());
      response.onCompleted();
    }
  }

  private SimpleServiceGrpc.SimpleServiceBlockingStub start(String filters, String perRoute)
      throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new Service())
            .build()
            .start();
    String routes =
        """
        - match: {prefix: /}
          route: {cluster: grpc, timeout: 0s}
          typed_per_filter_config:
        %s
        """
            .formatted(perRoute.indent(4).stripTrailing());
    proxy = new FilterProxy(dir, filters, routes, 1, server.getPort(), true);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
    return SimpleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static StatusRuntimeException failure(Runnable call) {
    return catchThrowableOfType(call::run, StatusRuntimeException.class);
  }

  @Test
  void aGrpcAbortReachesTheClientAsItsStatus() throws Exception {
    var stub =
        start(
            "- name: envoy.filters.http.fault\n  typed_config: {\"@type\": " + FAULT_TYPE + "}",
            """
            envoy.filters.http.fault:
              "@type": %s
              abort: {grpc_status: 8, percentage: {numerator: 100}}
            """
                .formatted(FAULT_TYPE));
    StatusRuntimeException e = failure(() -> stub.unaryRpc(SimpleRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).isEqualTo("fault filter abort");
    assertThat(e.getTrailers().get(Metadata.Key.of("x-bowline-response-flags", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("FI");
    assertThat(calls).hasValue(0);
  }

  @Test
  void anHttpAbortOfAGrpcCallBecomesItsGrpcEquivalent() throws Exception {
    var stub =
        start(
            "- name: envoy.filters.http.fault\n  typed_config: {\"@type\": " + FAULT_TYPE + "}",
            """
            envoy.filters.http.fault:
              "@type": %s
              abort: {http_status: 503, percentage: {numerator: 100}}
            """
                .formatted(FAULT_TYPE));
    StatusRuntimeException e = failure(() -> stub.unaryRpc(SimpleRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).isEqualTo("fault filter abort");
  }

  @Test
  void aRateLimitedGrpcCallIsUnavailable() throws Exception {
    var stub =
        start(
            """
            - name: envoy.filters.http.local_ratelimit
              typed_config: {"@type": %s, stat_prefix: grpc_limits}
            """
                .formatted(LOCAL_RATE_LIMIT_TYPE),
            """
            envoy.filters.http.local_ratelimit:
              "@type": %s
              stat_prefix: grpc_limits
              token_bucket: {max_tokens: 1, tokens_per_fill: 1, fill_interval: 3600s}
              filter_enabled: {default_value: {numerator: 100}}
              filter_enforced: {default_value: {numerator: 100}}
            """
                .formatted(LOCAL_RATE_LIMIT_TYPE));
    assertThat(stub.unaryRpc(SimpleRequest.getDefaultInstance()).getResponseMessage()).isEqualTo("ok");
    StatusRuntimeException e = failure(() -> stub.unaryRpc(SimpleRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).isEqualTo("local_rate_limited");
    assertThat(calls).hasValue(1);
    assertThat(proxy.counter("envoy_http_local_rate_limit_enforced", "grpc_limits")).isEqualTo(1);
  }
}
