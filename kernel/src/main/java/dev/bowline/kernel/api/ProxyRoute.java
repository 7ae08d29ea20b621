package dev.bowline.kernel.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import dev.bowline.kernel.pilot.xds.ProxyStatus;
import dev.bowline.kernel.pilot.xds.TrustBundleClient;
import dev.bowline.kernel.pilot.xds.XdsResourceType;
import dev.bowline.kernel.pilot.xds.XdsServer;
import dev.bowline.proxy.config.EnvoyJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/proxies}: every connected xDS client with the state of each type (for
 * {@code bowlinectl proxy-status}); {@code GET /api/v1/proxies/<proxy>/config/<type>}: the
 * resources last sent to one client, as Envoy JSON (for {@code bowlinectl proxy-config}). A proxy
 * is named by its node id, by {@code workload.namespace}, or by a unique prefix of either.
 */
final class ProxyRoute implements ApiRoute {

  private static final String PREFIX = "/api/v1/proxies";
  private static final Map<XdsResourceType, String> SHORT_NAMES = Map.of(
      XdsResourceType.CLUSTERS, "CDS", XdsResourceType.ENDPOINTS, "EDS",
      XdsResourceType.LISTENERS, "LDS", XdsResourceType.ROUTES, "RDS");

  private final XdsServer xds;

  ProxyRoute(XdsServer xds) {
    this.xds = xds;
  }

  @Override
  public boolean handle(ApiExchange ex) throws IOException {
    String path = ex.path();
    if (path.equals(PREFIX)) {
      List<Map<String, Object>> proxies = new ArrayList<>();
      Map<String, TrustBundleClient> bundles = new HashMap<>();
      xds.trustBundleClients().forEach(c -> bundles.put(c.nodeId(), c));
      String bundleVersion = xds.trustBundleVersion();
      for (ProxyStatus s : xds.statuses()) {
        proxies.add(status(s, bundles.get(s.nodeId()), bundleVersion));
      }
      ex.json(200, Map.of("proxies", proxies));
      return true;
    }
    if (!path.startsWith(PREFIX + "/")) {
      return false;
    }
    String[] parts = path.substring(PREFIX.length() + 1).split("/", -1);
    if (parts.length != 3 || !parts[1].equals("config")) {
      ex.error(404, "expected " + PREFIX + "/<proxy>/config/listeners|routes|clusters|endpoints");
      return true;
    }
    List<ProxyStatus> matches = find(parts[0]);
    if (matches.size() != 1) {
      ex.error(404, matches.isEmpty()
          ? "no connected proxy matches '" + parts[0] + "' (see bowlinectl proxy-status)"
          : "'" + parts[0] + "' matches " + matches.size() + " proxies: "
              + String.join(", ", matches.stream().map(ProxyStatus::nodeId).toList()));
      return true;
    }
    String nodeId = matches.get(0).nodeId();
    Optional<ProxyResources> resources = xds.resourcesOf(nodeId);
    List<? extends Message> selected = switch (parts[2]) {
      case "listeners" -> resources.map(ProxyResources::listeners).orElse(List.of());
      case "routes" -> resources.map(ProxyResources::routes).orElse(List.of());
      case "clusters" -> resources.map(ProxyResources::clusters).orElse(List.of());
      case "endpoints" -> resources.map(ProxyResources::endpoints).orElse(List.of());
      default -> null;
    };
    if (selected == null) {
      ex.error(404, "unknown config type '" + parts[2] + "': listeners, routes, clusters or endpoints");
      return true;
    }
    List<JsonNode> out = new ArrayList<>();
    for (Message m : selected) {
      try {
        out.add(ApiExchange.JSON.readTree(EnvoyJson.printer().print(m)));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("cannot print " + m.getDescriptorForType().getName(), e);
      }
    }
    ex.json(200, Map.of("proxy", nodeId, "resources", out));
    return true;
  }

  private List<ProxyStatus> find(String name) {
    List<ProxyStatus> exact = new ArrayList<>();
    List<ProxyStatus> prefix = new ArrayList<>();
    for (ProxyStatus s : xds.statuses()) {
      String short_ = s.workload() + "." + s.namespace();
      if (s.nodeId().equals(name) || short_.equals(name)) {
        exact.add(s);
      } else if (s.nodeId().startsWith(name) || short_.startsWith(name)) {
        prefix.add(s);
      }
    }
    return exact.isEmpty() ? prefix : exact;
  }

  /**
   * One proxy's status; {@code bundle} is its trust bundle subscription (null without one), shown
   * as type {@code SDS}: SYNCED when it holds {@code bundleVersion}, the version served now.
   */
  private static Map<String, Object> status(ProxyStatus s, TrustBundleClient bundle, String bundleVersion) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.nodeId());
    m.put("name", s.workload() + "." + s.namespace());
    m.put("type", s.type().name());
    m.put("namespace", s.namespace());
    m.put("connectedSince", s.connectedSince().toString());
    m.put("streams", s.streams());
    Map<String, Object> types = new LinkedHashMap<>();
    String version = "";
    for (XdsResourceType t : XdsResourceType.values()) {
      ProxyStatus.TypeStatus ts = s.types().get(t);
      Map<String, Object> tm = new LinkedHashMap<>();
      if (ts == null) {
        tm.put("state", ProxyStatus.SyncState.NOT_SENT.name());
      } else {
        tm.put("state", ts.state().name());
        tm.put("version", ts.latestVersion());
        tm.put("ackedVersion", ts.ackedVersion());
        if (ts.state() == ProxyStatus.SyncState.NACK) {
          tm.put("rejectedVersion", ts.rejectedVersion());
          tm.put("error", ts.rejectMessage());
        }
        if (t == XdsResourceType.LISTENERS) {
          version = ts.latestVersion();
        }
      }
      types.put(SHORT_NAMES.get(t), tm);
    }
    if (bundle != null) {
      Map<String, Object> sds = new LinkedHashMap<>();
      sds.put("state", (bundle.heldVersion().equals(bundleVersion)
          ? ProxyStatus.SyncState.SYNCED : ProxyStatus.SyncState.STALE).name());
      sds.put("version", bundleVersion);
      sds.put("ackedVersion", bundle.heldVersion());
      types.put("SDS", sds);
    }
    m.put("types", types);
    m.put("version", version);
    return m;
  }
}
