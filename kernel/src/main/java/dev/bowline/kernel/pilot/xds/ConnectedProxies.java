package dev.bowline.kernel.pilot.xds;

import dev.bowline.kernel.pilot.node.ProxyNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry of connected xDS clients: which streams each node id holds. A node may reconnect
 * before its old stream is closed, so a node stays connected until its last stream closes.
 *
 * <p><b>Threading.</b> Thread-safe; every method holds this object's monitor briefly and calls
 * nothing outside it.
 */
final class ConnectedProxies {

  /** What opening a stream changed. */
  enum Change {
    /** The node's first stream: it just connected. */
    FIRST,
    /** Another stream of a connected node, announcing different metadata (now the current). */
    CHANGED,
    /** Another stream of a connected node, with the same metadata. */
    SAME
  }

  /**
   * One connected node. Immutable.
   *
   * @param node what its newest stream announced
   * @param since when its first stream opened
   * @param streams how many streams it holds
   */
  record Connection(ProxyNode node, Instant since, int streams) {}

  private static final class Entry {
    ProxyNode node;
    final Instant since;
    final Set<Long> streams = new LinkedHashSet<>();

    Entry(ProxyNode node, Instant since) {
      this.node = node;
      this.since = since;
    }
  }

  private final Clock clock;
  private final Map<String, Entry> byNodeId = new HashMap<>();
  private final Map<Long, String> nodeIdByStream = new HashMap<>();

  ConnectedProxies(Clock clock) {
    this.clock = clock;
  }

  /** Records that {@code streamId} belongs to {@code node}. */
  synchronized Change add(long streamId, ProxyNode node) {
    nodeIdByStream.put(streamId, node.id());
    Entry entry = byNodeId.get(node.id());
    if (entry == null) {
      entry = new Entry(node, clock.instant());
      entry.streams.add(streamId);
      byNodeId.put(node.id(), entry);
      return Change.FIRST;
    }
    entry.streams.add(streamId);
    if (entry.node.equals(node)) {
      return Change.SAME;
    }
    entry.node = node;
    return Change.CHANGED;
  }

  /** Forgets {@code streamId}; the node it belonged to if that was the node's last stream. */
  synchronized Optional<ProxyNode> remove(long streamId) {
    String nodeId = nodeIdByStream.remove(streamId);
    if (nodeId == null) {
      return Optional.empty();
    }
    Entry entry = byNodeId.get(nodeId);
    entry.streams.remove(streamId);
    if (!entry.streams.isEmpty()) {
      return Optional.empty();
    }
    byNodeId.remove(nodeId);
    return Optional.of(entry.node);
  }

  /** The node {@code streamId} belongs to, if the stream has announced one. */
  synchronized Optional<ProxyNode> nodeOfStream(long streamId) {
    String nodeId = nodeIdByStream.get(streamId);
    return nodeId == null ? Optional.empty() : Optional.of(byNodeId.get(nodeId).node);
  }

  /** The connected node with this id. */
  synchronized Optional<Connection> get(String nodeId) {
    Entry entry = byNodeId.get(nodeId);
    return entry == null
        ? Optional.empty()
        : Optional.of(new Connection(entry.node, entry.since, entry.streams.size()));
  }

  /** Every connected node, by node id. */
  synchronized List<Connection> all() {
    List<Connection> out = new ArrayList<>(byNodeId.size());
    byNodeId.values().forEach(e -> out.add(new Connection(e.node, e.since, e.streams.size())));
    out.sort(Comparator.comparing(c -> c.node().id()));
    return out;
  }

  /** Whether a node with this id holds a stream. */
  synchronized boolean isConnected(String nodeId) {
    return byNodeId.containsKey(nodeId);
  }

  /** How many nodes are connected. */
  synchronized int size() {
    return byNodeId.size();
  }
}
