package dev.bowline.kernel.agent;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC ADS server on {@code 127.0.0.1} (plaintext) that stands in for the control plane in
 * the relay's tests: it records every request of the latest stream and lets the test send
 * responses on it, end it, and see how it ended.
 *
 * <p>Threading: everything may be called from any thread.
 */
final class FakeControlPlane implements AutoCloseable {

  private final Server server;
  private final AtomicInteger streams = new AtomicInteger();
  private final BlockingQueue<DiscoveryRequest> requests = new LinkedBlockingQueue<>();
  private volatile ServerCallStreamObserver<DiscoveryResponse> responses;
  private volatile CompletableFuture<Status> ended = new CompletableFuture<>();

  private FakeControlPlane() throws IOException {
    ServerServiceDefinition ads = ServerServiceDefinition.builder(AggregatedDiscoveryServiceGrpc.SERVICE_NAME)
        .addMethod(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod(),
            ServerCalls.asyncBidiStreamingCall(this::stream))
        .build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
        .addService(ads)
        .build()
        .start();
  }

  static FakeControlPlane start() throws IOException {
    return new FakeControlPlane();
  }

  private StreamObserver<DiscoveryRequest> stream(StreamObserver<DiscoveryResponse> out) {
    CompletableFuture<Status> end = new CompletableFuture<>();
    ended = end;
    responses = (ServerCallStreamObserver<DiscoveryResponse>) out;
    streams.incrementAndGet();
    return new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryRequest request) {
        requests.add(request);
      }

      @Override
      public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        end.complete(Status.OK);
        out.onCompleted();
      }
    };
  }

  /** {@code host:port}. */
  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  /** How many ADS streams were opened to it. */
  int streamsOpened() {
    return streams.get();
  }

  /** The next request of the latest stream, within 10 s. */
  DiscoveryRequest nextRequest() throws InterruptedException {
    DiscoveryRequest r = requests.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no request reached the control plane within 10 s");
    }
    return r;
  }

  /** Requests received and not taken yet. */
  int pendingRequests() {
    return requests.size();
  }

  void send(DiscoveryResponse response) {
    responses.onNext(response);
  }

  /** Whether the latest stream can take a response without buffering it. */
  boolean ready() {
    return responses.isReady();
  }

  void fail(Status status) {
    responses.onError(status.asRuntimeException());
  }

  /** How the latest stream ended, as the server saw it. */
  CompletableFuture<Status> ended() {
    return ended;
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
