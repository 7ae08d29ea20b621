package dev.bowline.kernel.agent;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An application's ADS stream to the agent, on a raw {@link ClientCall} so that a test decides how
 * many responses it takes: what a proxyless application's xDS client does, by hand.
 *
 * <p>Threading: methods are called from the test thread; gRPC fills the queue and the status.
 */
final class AppStream {

  private final ClientCall<DiscoveryRequest, DiscoveryResponse> call;
  private final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> closed = new CompletableFuture<>();

  private AppStream(Channel channel, int initialRequests) {
    call = channel.newCall(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod(), CallOptions.DEFAULT);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(DiscoveryResponse message) {
        responses.add(message);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    if (initialRequests > 0) {
      call.request(initialRequests);
    }
  }

  /** A stream that takes every response as it comes. */
  static AppStream open(Channel agent) {
    return new AppStream(agent, Integer.MAX_VALUE);
  }

  /** A stream that takes no response until {@link #take} asks. */
  static AppStream openWithoutReading(Channel agent) {
    return new AppStream(agent, 0);
  }

  void send(DiscoveryRequest request) {
    call.sendMessage(request);
  }

  void take(int responses) {
    call.request(responses);
  }

  void cancel() {
    call.cancel("the application stops", null);
  }

  /** The next response, within 10 s. */
  DiscoveryResponse nextResponse() throws InterruptedException {
    DiscoveryResponse r = responses.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no response reached the application within 10 s");
    }
    return r;
  }

  /** How the stream ended. */
  CompletableFuture<Status> closed() {
    return closed;
  }
}
