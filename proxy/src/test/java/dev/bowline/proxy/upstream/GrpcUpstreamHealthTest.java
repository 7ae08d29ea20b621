package dev.bowline.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC upstreams (grpc-java servers) behind an HTTP/2 cluster: the standard gRPC health check
 * against grpc-java's {@link HealthStatusManager}, and outlier detection judging the {@code
 * grpc-status} of Trailers-Only answers that came over the HTTP/2 upstream path.
 */
class GrpcUpstreamHealthTest {

  private static final String SERVICE = "grpc.testing.SimpleService";

  private final List<Server> servers = new CopyOnWriteArrayList<>();
  private final List<String> healthAuthorities = new CopyOnWriteArrayList<>();
  private HealthTestProxy proxy;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (proxy != null) {
      proxy.close();
    }
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** An echo service that fails with {@code failure} when it is not OK. */
  private static final class Echo extends SimpleServiceGrpc.SimpleServiceImplBase {
    final AtomicInteger calls = new AtomicInteger();
    volatile Status failure = Status.OK;

    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
      calls.incrementAndGet();
      if (!failure.isOk()) {
        response.onError(failure.asRuntimeException());
        return;
      }
      response.onNext(SimpleResponse.newBuilder().setResponseMessage("ok").build());
      response.onCompleted();
    }
  }

  private Server server(Echo echo, HealthStatusManager health) throws Exception {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(echo);
    if (health != null) {
      b.addService(ServerInterceptors.intercept(health.getHealthService(), new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
          healthAuthorities.add(call.getAuthority());
          return next.startCall(call, headers);
        }
      }));
    }
    Server s = b.build().start();
    servers.add(s);
    return s;
  }

  private static String cluster(String extra, int... ports) {
    StringBuilder endpoints = new StringBuilder();
    for (int port : ports) {
      endpoints.append("      - endpoint: { address: { socket_address: { address: 127.0.0.1,"
          + " port_value: ").append(port).append(" } } }\n");
    }
    return """
        - name: backend
          connect_timeout: 1s
          typed_extension_protocol_options:
            envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
              "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
              explicit_http_config: { http2_protocol_options: {} }
        %s
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
        %s""".formatted(extra.indent(2).stripTrailing(), endpoints);
  }

  @Test
  void theGrpcHealthCheckFollowsTheServersServingStatus() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(SERVICE, ServingStatus.SERVING);
    Server checked = server(new Echo(), health);
    Server withoutHealthService = server(new Echo(), null);
    proxy = new HealthTestProxy(cluster("""
        health_checks:
        - timeout: 1s
          interval: 0.1s
          no_traffic_interval: 0.1s
          unhealthy_threshold: 2
          healthy_threshold: 1
          grpc_health_check: { service_name: grpc.testing.SimpleService }
        """, checked.getPort(), withoutHealthService.getPort()));

    assertThat(proxy.flags(checked.getPort())).isEqualTo("healthy");
    // UNIMPLEMENTED is an answer the check does not accept: failing at once
    assertThat(proxy.flags(withoutHealthService.getPort())).isEqualTo("/failed_active_hc");
    assertThat(healthAuthorities).first().isEqualTo("backend"); // the cluster's name

    health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> proxy.flags(checked.getPort()).equals("/failed_active_hc"));
    assertThat(proxy.metric("envoy_cluster_membership_healthy")).isZero();

    health.setStatus(SERVICE, ServingStatus.SERVING);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> proxy.metric("envoy_cluster_membership_healthy") == 1);
    assertThat(proxy.flags(checked.getPort())).isEqualTo("healthy");

    // a service the server does not know: NOT_FOUND, failing
    health.clearStatus(SERVICE);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> proxy.flags(checked.getPort()).equals("/failed_active_hc"));
  }

  @Test
  void trailersOnlyUnavailableAnswersEjectTheirHost() throws Exception {
    Echo good = new Echo();
    Echo bad = new Echo();
    bad.failure = Status.UNAVAILABLE.withDescription("overloaded");
    Server goodServer = server(good, null);
    Server badServer = server(bad, null);
    proxy = new HealthTestProxy(cluster("""
        outlier_detection:
          consecutive_5xx: 3
          interval: 0.1s
          base_ejection_time: 30s
          max_ejection_percent: 100
        """, goodServer.getPort(), badServer.getPort()));
    int port = proxy.server().listenerAddress("ingress").orElseThrow().getPort();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(channel);

    await().atMost(Duration.ofSeconds(30)).until(() -> {
      try {
        stub.unaryRpc(SimpleRequest.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      }
      return proxy.metric("envoy_cluster_membership_healthy") == 1;
    });

    int badCalls = bad.calls.get();
    for (int i = 0; i < 10; i++) {
      assertThat(stub.unaryRpc(SimpleRequest.getDefaultInstance()).getResponseMessage())
          .isEqualTo("ok");
    }
    assertThat(bad.calls.get()).isEqualTo(badCalls);
    assertThat(proxy.flags(badServer.getPort())).isEqualTo("/failed_outlier_check");
    assertThat(proxy.metric("envoy_cluster_outlier_detection_ejections_enforced_consecutive_5xx"))
        .isEqualTo(1);
  }
}
