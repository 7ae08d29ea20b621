package dev.bowline.kernel.bench;

import dev.bowline.kernel.pilot.node.ProxyNode;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The simulated proxies of the scale benchmark: one {@link SimulatedProxy} (one ADS stream) per
 * node, over {@code channels} gRPC channels (HTTP/2 connections) that share one small event loop
 * group and one callback executor, so that 200 proxies cost the machine little besides what the
 * control plane sends them.
 *
 * <p>The benchmark arms an {@link EndpointProbe} or a {@link SyncTarget} before it makes a change;
 * the proxies report to whichever is armed. Stream failures are collected in {@link #failures()}.
 *
 * <p><b>Threading.</b> Thread-safe. Probes and targets are published through volatile fields.
 */
final class SimulatedProxyFleet implements AutoCloseable {

  private static final int MAX_MESSAGE_BYTES = 256 << 20;

  private final EventLoopGroup eventLoops;
  private final ExecutorService callbacks;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<SimulatedProxy> proxies = new ArrayList<>();
  private final ConcurrentHashMap<List<ByteString>, Subscription> subscriptions =
      new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final LongAdder responses = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private volatile EndpointProbe probe;
  private volatile SyncTarget target;
  private volatile boolean closing;

  /**
   * Creates the channels to {@code address}; no stream is opened before {@link #start}.
   *
   * @param channels how many HTTP/2 connections the proxies share, round-robin (1 to one per node)
   * @param threads how many event loop threads, and as many callback threads
   */
  SimulatedProxyFleet(InetSocketAddress address, List<ProxyNode> nodes, int channels, int threads) {
    Objects.requireNonNull(address, "address");
    if (nodes.isEmpty() || channels < 1 || threads < 1) {
      throw new IllegalArgumentException("need at least one node, one channel and one thread");
    }
    eventLoops =
        new MultiThreadIoEventLoopGroup(
            threads, new DefaultThreadFactory("bench-proxy-io", true), NioIoHandler.newFactory());
    AtomicInteger n = new AtomicInteger();
    callbacks =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "bench-proxy-callback-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    for (int i = 0; i < Math.min(channels, nodes.size()); i++) {
      this.channels.add(
          NettyChannelBuilder.forAddress(address)
              .usePlaintext()
              .eventLoopGroup(eventLoops)
              .channelType(NioSocketChannel.class)
              .executor(callbacks)
              .maxInboundMessageSize(MAX_MESSAGE_BYTES)
              .build());
    }
    for (int i = 0; i < nodes.size(); i++) {
      proxies.add(new SimulatedProxy(i, nodes.get(i), this));
    }
  }

  /** Opens every proxy's stream. */
  void start() {
    for (int i = 0; i < proxies.size(); i++) {
      proxies.get(i).start(channels.get(i % channels.size()));
    }
  }

  /** How many proxies there are. */
  int size() {
    return proxies.size();
  }

  /** Reports arrivals of an endpoint change to {@code next} from now on (null: to none). */
  void arm(EndpointProbe next) {
    probe = next;
  }

  /** Reports progress towards {@code next} from now on (null: to none). */
  void arm(SyncTarget next) {
    target = next;
  }

  /** Per proxy, how many route responses it acknowledged: the baseline of a {@link SyncTarget}. */
  long[] routeAcks() {
    long[] out = new long[proxies.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = proxies.get(i).routeAcks();
    }
    return out;
  }

  /** Where each proxy that has not met {@code target} stands, at most {@code limit} of them. */
  List<String> describeMissing(SyncTarget target, int limit) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < proxies.size() && out.size() < limit; i++) {
      if (!target.hasReached(i)) {
        out.add(proxies.get(i).describe());
      }
    }
    return out;
  }

  /** What went wrong on any stream, in order. */
  List<String> failures() {
    return List.copyOf(failures);
  }

  /** How many responses the proxies received. */
  long responses() {
    return responses.sum();
  }

  /** How many bytes of responses (serialized {@code DiscoveryResponse}s) the proxies received. */
  long bytes() {
    return bytes.sum();
  }

  EndpointProbe probe() {
    return probe;
  }

  SyncTarget target() {
    return target;
  }

  /** One instance per distinct list of names across the fleet, to keep the proxies light. */
  Subscription subscription(List<ByteString> names) {
    if (names.isEmpty()) {
      return Subscription.WILDCARD;
    }
    return subscriptions.computeIfAbsent(names, Subscription::new);
  }

  void received(int size) {
    responses.increment();
    bytes.add(size);
  }

  void failed(String what) {
    if (!closing) {
      failures.add(what);
    }
  }

  /** Cancels every stream, closes the channels and stops the threads. */
  @Override
  public void close() throws InterruptedException {
    closing = true;
    arm((EndpointProbe) null);
    arm((SyncTarget) null);
    for (SimulatedProxy proxy : proxies) {
      proxy.cancel();
    }
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    for (ManagedChannel channel : channels) {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
    callbacks.shutdownNow();
    eventLoops.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }
}
