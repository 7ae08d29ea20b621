package dev.bowline.proxy.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real ADS server: java-control-plane's {@link V3DiscoveryServer} over a {@link SimpleCache}
 * keyed by node id, on gRPC at 127.0.0.1, recording every request and response it sees. It can be
 * stopped and started again on the same port.
 */
final class AdsTestServer implements AutoCloseable {

  /** A request as the server saw it, with the stream it came on. */
  record Seen(long streamId, DiscoveryRequest request) {}

  /** A response as the server sent it, with the stream it went on. */
  record Sent(long streamId, DiscoveryResponse response) {}

  final List<Seen> requests = new CopyOnWriteArrayList<>();
  final List<Sent> responses = new CopyOnWriteArrayList<>();
  private final SimpleCache<String> cache = new SimpleCache<>(Node::getId);
  private final V3DiscoveryServer discovery = new V3DiscoveryServer(new Recorder(), cache);
  private Server server;
  private int port;

  /** Starts serving (again), on the same port as before if it ran already. */
  void start() throws IOException {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(discovery.getAggregatedDiscoveryServiceImpl())
            .build()
            .start();
    port = server.getPort();
  }

  /** Stops at once, cutting every stream. */
  void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
      server = null;
    }
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  void snapshot(String nodeId, Snapshot snapshot) {
    cache.setSnapshot(nodeId, snapshot);
  }

  List<DiscoveryRequest> requests(XdsResourceType type) {
    return requests.stream()
        .map(Seen::request)
        .filter(r -> r.getTypeUrl().equals(type.typeUrl()))
        .toList();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private final class Recorder implements DiscoveryServerCallbacks {
    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
      requests.add(new Seen(streamId, request));
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}

    @Override
    public void onV3StreamResponse(
        long streamId, DiscoveryRequest request, DiscoveryResponse response) {
      responses.add(new Sent(streamId, response));
    }
  }
}
