package dev.bowline.kernel.pilot.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Makes every state-of-the-world request on a stream self-contained before java-control-plane sees
 * it, so that its cache treats it right:
 *
 * <ul>
 *   <li>A request without a {@code node} (the protocol lets a client send it in the first request
 *       only; grpc-java does) gets the stream's first node: the cache finds a client's snapshot by
 *       the node of each request.
 *   <li>A rejection (NACK) echoes the last version the client accepted; it is rewritten to carry
 *       the rejected version instead, so that the cache waits for a new version, as Istio does,
 *       instead of sending the rejected one straight back (which would loop at network speed).
 * </ul>
 *
 * <p><b>Threading.</b> Thread-safe; one instance serves every call. Per-call state is read by the
 * call's serialized listener and written by whichever thread sends a response.
 */
final class SotwRequestNormalizer implements ServerInterceptor {

  private record Sent(String version, String nonce) {}

  private static final class CallState {
    private volatile Node node;
    private final ConcurrentMap<String, Sent> lastSentByType = new ConcurrentHashMap<>();
    private volatile Sent lastSent;

    void sent(DiscoveryResponse response) {
      Sent sent = new Sent(response.getVersionInfo(), response.getNonce());
      lastSentByType.put(response.getTypeUrl(), sent);
      lastSent = sent;
    }

    DiscoveryRequest normalize(DiscoveryRequest request) {
      DiscoveryRequest.Builder changed = null;
      if (request.hasNode()) {
        if (node == null) {
          node = request.getNode();
        }
      } else if (node != null) {
        changed = request.toBuilder().setNode(node);
      }
      if (request.hasErrorDetail()) {
        // A stream that is not ADS serves one type and may leave type_url empty.
        Sent sent =
            request.getTypeUrl().isEmpty() ? lastSent : lastSentByType.get(request.getTypeUrl());
        if (sent != null
            && sent.nonce().equals(request.getResponseNonce())
            && !sent.version().equals(request.getVersionInfo())) {
          changed = changed == null ? request.toBuilder() : changed;
          changed.setVersionInfo(sent.version());
        }
      }
      return changed == null ? request : changed.build();
    }
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    CallState state = new CallState();
    ServerCall<ReqT, RespT> watched =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(RespT message) {
            if (message instanceof DiscoveryResponse response) {
              state.sent(response);
            }
            super.sendMessage(message);
          }
        };
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(watched, headers)) {
      @Override
      @SuppressWarnings("unchecked")
      public void onMessage(ReqT message) {
        super.onMessage(
            message instanceof DiscoveryRequest request
                ? (ReqT) state.normalize(request)
                : message);
      }
    };
  }
}
