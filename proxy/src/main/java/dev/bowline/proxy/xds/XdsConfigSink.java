package dev.bowline.proxy.xds;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.LoadAssignment;
import java.util.List;

/**
 * Where the {@link XdsClient} puts the configuration it accepted: the proxy's listeners and
 * clusters, all of them (xDS owns both sets; anything else the proxy runs with, such as the admin
 * address, is the sink's to keep).
 *
 * <p><b>Threading.</b> Called from the client's one update thread only, one call at a time; a call
 * may block (a DNS cluster's first resolution), which delays later updates but nothing else.
 */
public interface XdsConfigSink {

  /**
   * Runs with exactly these listeners and clusters from now on, atomically.
   *
   * @throws ConfigException naming what cannot run; the sink must then keep what it ran before
   */
  void apply(List<ListenerConfig> listeners, List<ClusterConfig> clusters) throws ConfigException;

  /**
   * Replaces the endpoints of a running EDS cluster in place (an EDS-only update: no listener or
   * other cluster changes).
   *
   * @throws ConfigException the cluster is not running
   */
  void updateEndpoints(String cluster, LoadAssignment endpoints) throws ConfigException;
}
