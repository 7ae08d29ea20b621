package dev.bowline.spi.lb;

import java.util.List;

/**
 * The load balancer of one cluster. Each time the cluster's set of hosts changes, the proxy asks
 * it for a new {@link Picker}: an immutable snapshot that then serves every request until the
 * next change (grpc-java's picker model). Keeping per-cluster state here (for example a hash ring
 * reused across updates) is allowed.
 *
 * <p><b>Threading.</b> {@link #newPicker(List)} is called from one control thread at a time, never
 * concurrently, and may take its time (it is off the request path). The pickers it returns are
 * used from many event-loop threads at once.
 */
public interface LoadBalancer {

  /**
   * Builds the picker for a new set of hosts.
   *
   * @param hosts the hosts that may receive traffic (healthy, not ejected), in a stable order;
   *     possibly empty; the list is immutable
   * @return a picker over exactly these hosts
   */
  Picker newPicker(List<UpstreamHost> hosts);
}
