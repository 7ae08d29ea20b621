package dev.bowline.proxy.xds;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One {@code StreamAggregatedResources} call. Responses and the end of the call are handed to
 * {@link Events} on the client's update executor, never handled on gRPC's threads; each event
 * names its stream, so that events of a stream the client has left behind can be ignored.
 *
 * <p><b>Threading.</b> {@link #start}, {@link #send} and {@link #cancel} are called on the update
 * executor only; {@link #isOpen()} from any thread.
 */
final class AdsStream {

  /** What the client learns from a stream, on its update executor. */
  interface Events {
    void onResponse(AdsStream stream, DiscoveryResponse response);

    void onClosed(AdsStream stream, Status status);
  }

  private final Channel channel;
  private final Executor executor;
  private final Events events;
  private ClientCallStreamObserver<DiscoveryRequest> requests;
  private volatile boolean open;
  private boolean receivedResponse;

  AdsStream(Channel channel, Executor executor, Events events) {
    this.channel = channel;
    this.executor = executor;
    this.events = events;
  }

  /** Starts the call. */
  void start() {
    open = true;
    AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new Observer());
  }

  /** Whether the call is running: started, and neither failed nor cancelled. */
  boolean isOpen() {
    return open;
  }

  /** Whether any response arrived on this stream (update executor only). */
  boolean receivedResponse() {
    return receivedResponse;
  }

  void markResponseReceived() {
    receivedResponse = true;
  }

  /** Sends a request, unless the call has ended. */
  void send(DiscoveryRequest request) {
    if (!open) {
      return;
    }
    try {
      requests.onNext(request);
    } catch (RuntimeException e) {
      // The call ended under us; its end is on its way to the executor.
    }
  }

  /** Ends the call from this side; no event follows that the client has to act on. */
  void cancel() {
    if (open) {
      open = false;
      requests.cancel("xDS client closing the stream", null);
    }
  }

  private void deliver(Runnable event) {
    try {
      executor.execute(event);
    } catch (RejectedExecutionException e) {
      // The client is closed: nothing to do.
    }
  }

  private final class Observer
      implements ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> {

    @Override
    public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> requestStream) {
      requests = requestStream;
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      deliver(() -> events.onResponse(AdsStream.this, response));
    }

    @Override
    public void onError(Throwable t) {
      open = false;
      Status status = Status.fromThrowable(t);
      deliver(() -> events.onClosed(AdsStream.this, status));
    }

    @Override
    public void onCompleted() {
      open = false;
      deliver(() -> events.onClosed(
          AdsStream.this, Status.UNAVAILABLE.withDescription("the server ended the stream")));
    }
  }
}
