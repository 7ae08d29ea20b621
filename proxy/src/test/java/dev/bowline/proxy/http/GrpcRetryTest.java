package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.ClusterConfig;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC retries by {@code grpc-status}: a grpc-java client and server (HTTP/2 both ways) with the
 * proxy between them. The server fails calls as a script says; a failure before any message is a
 * Trailers-Only response, whose status the retry policy reads from the response head.
 */
class GrpcRetryTest {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("bowline.test.Echo/Call")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  @TempDir Path dir;
  /** The statuses the server answers with, call by call; OK echoes the request. */
  private final List<Status> script = new CopyOnWriteArrayList<>();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private Server server;
  private RetryProxy proxy;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("bowline.test.Echo")
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      received.add(new String(request, StandardCharsets.UTF_8));
                      Status status = script.isEmpty() ? Status.OK : script.remove(0);
                      if (status.isOk()) {
                        response.onNext(request);
                        response.onCompleted();
                      } else {
                        response.onError(status.asRuntimeException());
                      }
                    }))
            .build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    proxy =
        new RetryProxy(
            dir,
            """
            - match: {prefix: "/"}
              route:
                cluster: grpc
                timeout: 0s
                retry_policy: {retry_on: 'unavailable,cancelled', num_retries: 2}
            """,
            RetryProxy.cluster(
                "grpc",
                "bowline.lb.round_robin",
                ClusterConfig.UpstreamProtocol.HTTP2,
                ClusterConfig.CircuitBreakerLimits.DEFAULTS,
                server.getPort()));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
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

  private byte[] call(String text) {
    return ClientCalls.blockingUnaryCall(
        channel,
        ECHO,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anUnavailableCallIsRetriedWithItsMessage() {
    script.add(Status.UNAVAILABLE.withDescription("warming up"));

    byte[] answer = call("hello grpc");

    assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("hello grpc");
    assertThat(received).containsExactly("hello grpc", "hello grpc");
    assertThat(proxy.clusterCounter("upstream_rq_retry", "grpc")).isEqualTo(1);
    assertThat(proxy.clusterCounter("upstream_rq_retry_success", "grpc")).isEqualTo(1);
  }

  @Test
  void aStatusTheRouteDoesNotRetryGoesStraightToTheClient() {
    script.add(Status.PERMISSION_DENIED.withDescription("no"));

    assertThatThrownBy(() -> call("denied"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(received).containsExactly("denied");
    assertThat(proxy.clusterCounter("upstream_rq_retry", "grpc")).isZero();
  }

  @Test
  void whenEveryTryIsUnavailableTheClientGetsUnavailableFlaggedURX() {
    for (int i = 0; i < 3; i++) {
      script.add(Status.UNAVAILABLE.withDescription("down " + i));
    }

    assertThatThrownBy(() -> call("never"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).isEqualTo("down 2");
            });
    assertThat(received).hasSize(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.accessLogLines().isEmpty());
    assertThat(proxy.accessLogLines()).singleElement().asString().contains(" 200 URX ");
  }
}
