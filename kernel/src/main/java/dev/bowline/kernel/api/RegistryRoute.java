package dev.bowline.kernel.api;

import dev.bowline.kernel.pilot.registry.ServiceRegistry;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/registry}: the merged service registry (services, their ports and endpoints,
 * workloads), the sources that failed and the hostname conflicts, for operators and the dashboard.
 */
final class RegistryRoute implements ApiRoute {

  private final ServiceRegistry registry;

  RegistryRoute(ServiceRegistry registry) {
    this.registry = registry;
  }

  @Override
  public boolean handle(ApiExchange ex) throws IOException {
    if (!ex.path().equals("/api/v1/registry")) {
      return false;
    }
    PlatformSnapshot snapshot = registry.snapshot();
    List<Map<String, Object>> services = new ArrayList<>();
    for (Service s : snapshot.services()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("hostname", s.hostname().value());
      m.put("namespace", s.namespace());
      m.put("location", s.location().name());
      List<Map<String, Object>> ports = new ArrayList<>();
      for (ServicePort p : s.ports()) {
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("name", p.name());
        pm.put("number", p.number());
        pm.put("protocol", p.protocol().name());
        pm.put("endpoints", snapshot.endpoints(s.hostname(), p.name()).stream()
            .map(RegistryRoute::endpoint).toList());
        ports.add(pm);
      }
      m.put("ports", ports);
      services.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("services", services);
    out.put("workloads", snapshot.workloads().stream()
        .map(w -> Map.of("name", w.name(), "namespace", w.namespace(),
            "serviceAccount", w.serviceAccount(), "labels", w.labels()))
        .toList());
    out.put("failedSources", registry.failures());
    out.put("conflicts", registry.conflicts());
    ex.json(200, out);
    return true;
  }

  private static Map<String, Object> endpoint(Endpoint e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", e.authority());
    m.put("labels", e.labels());
    m.put("weight", e.weight());
    m.put("health", e.health().name());
    return m;
  }
}
