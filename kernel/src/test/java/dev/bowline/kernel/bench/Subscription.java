package dev.bowline.kernel.bench;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The resource names a simulated proxy subscribes to for one type, in request order, as the UTF-8
 * bytes they travel as, with each name's position and outbound port. Proxies holding equal
 * subscriptions share one instance ({@link SimulatedProxyFleet#subscription}), so 200 proxies cost
 * the names once, and a request is written from the bytes without encoding them again. Immutable;
 * thread-safe.
 */
final class Subscription {

  /** No names: a wildcard subscription. */
  static final Subscription WILDCARD = new Subscription(List.of());

  private final List<ByteString> names;
  private final Map<ByteString, Integer> positions;
  private final int[] ports;

  Subscription(List<ByteString> names) {
    this.names = List.copyOf(names);
    this.positions = new HashMap<>(names.size() * 2);
    this.ports = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      positions.putIfAbsent(names.get(i), i);
      ports[i] = ResourceNameReader.outboundPort(names.get(i));
    }
  }

  /** The names, in the order they are requested. */
  List<ByteString> names() {
    return names;
  }

  /** How many names. */
  int size() {
    return names.size();
  }

  /** The position of {@code name}, or -1 when it is not subscribed. */
  int positionOf(ByteString name) {
    Integer at = positions.get(name);
    return at == null ? -1 : at;
  }

  /** The outbound port in the name at {@code position} ({@link ResourceNameReader#outboundPort}). */
  int port(int position) {
    return ports[position];
  }
}
