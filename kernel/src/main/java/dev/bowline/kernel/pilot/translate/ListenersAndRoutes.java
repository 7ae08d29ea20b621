package dev.bowline.kernel.pilot.translate;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Comparator;
import java.util.List;

/**
 * Listeners and the route configurations they name, built together for one kind of client, each
 * list ordered by name. Immutable.
 */
record ListenersAndRoutes(List<Listener> listeners, List<RouteConfiguration> routes) {

  ListenersAndRoutes {
    listeners =
        List.copyOf(listeners.stream().sorted(Comparator.comparing(Listener::getName)).toList());
    routes =
        List.copyOf(
            routes.stream().sorted(Comparator.comparing(RouteConfiguration::getName)).toList());
  }
}
