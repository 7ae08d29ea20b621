package dev.bowline.proxy.xds;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.LoadAssignment;
import dev.bowline.spi.model.Endpoint;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sink that records what it is given and, when asked, refuses the next configuration; or, with a
 * delegate, passes everything on and counts it.
 */
final class RecordingSink implements XdsConfigSink {

  record Applied(List<ListenerConfig> listeners, List<ClusterConfig> clusters) {}

  record EndpointUpdate(String cluster, List<Endpoint> endpoints) {}

  final List<Applied> applied = new CopyOnWriteArrayList<>();
  final List<EndpointUpdate> endpointUpdates = new CopyOnWriteArrayList<>();
  private final XdsConfigSink delegate;
  private volatile List<String> refusal;

  RecordingSink() {
    this(null);
  }

  RecordingSink(XdsConfigSink delegate) {
    this.delegate = delegate;
  }

  /** The next {@link #apply} throws these problems. */
  void refuseNext(String... problems) {
    refusal = List.of(problems);
  }

  Applied last() {
    return applied.get(applied.size() - 1);
  }

  @Override
  public void apply(List<ListenerConfig> listeners, List<ClusterConfig> clusters)
      throws ConfigException {
    List<String> problems = refusal;
    if (problems != null) {
      refusal = null;
      throw new ConfigException(problems);
    }
    if (delegate != null) {
      delegate.apply(listeners, clusters);
    }
    applied.add(new Applied(List.copyOf(listeners), List.copyOf(clusters)));
  }

  @Override
  public void updateEndpoints(String cluster, LoadAssignment endpoints) throws ConfigException {
    if (delegate != null) {
      delegate.updateEndpoints(cluster, endpoints);
    }
    endpointUpdates.add(new EndpointUpdate(cluster, endpoints.plainEndpoints()));
  }
}
