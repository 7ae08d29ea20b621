package dev.bowline.kernel.pilot.node;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.bowline.spi.model.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * What Pilot knows about a connected xDS client, read from its {@code Node}: the contract between
 * {@code bowline proxy --control-plane} (which writes it) and Pilot (which reads it).
 *
 * <p>The node id follows Istio: {@code <type>~<ip>~<workload>.<namespace>~<namespace>.svc.<suffix>}
 * with type {@code sidecar} or {@code router} (a gateway). Metadata keys follow Istio's where Istio
 * has one ({@code NAMESPACE}, {@code LABELS}, {@code SERVICE_ACCOUNT}, {@code WORKLOAD_NAME},
 * {@code INSTANCE_IPS}); Bowline adds {@code BOWLINE_SERVICE} (the service the workload joins),
 * {@code BOWLINE_APP_PORT} (the application's port), {@code BOWLINE_INBOUND_PORT} and {@code
 * BOWLINE_OUTBOUND_PORT} (the sidecar's listener ports, default 15006 and 15001). A node whose id
 * does not have this shape is a {@link Type#PROXYLESS} client, such as grpc-java with grpc-xds.
 *
 * @param id the node id as sent
 * @param type what kind of client it is
 * @param ip the address other workloads reach this one at
 * @param workloadName the workload's name
 * @param namespace its namespace ({@code default} when not given)
 * @param serviceAccount its service account ({@code default} when not given)
 * @param labels its labels
 * @param service the service name it registers under, empty for none
 * @param appPort the application's port (a sidecar forwards inbound traffic there)
 * @param inboundPort the sidecar's inbound listener port
 * @param outboundPort the sidecar's outbound listener port
 * @param locality where it runs: the node's {@code locality}, else its labels {@code
 *     topology.kubernetes.io/region}, {@code topology.kubernetes.io/zone} and {@code
 *     topology.istio.io/subzone} (as Istio reads them); {@link Locality#UNKNOWN} when neither
 */
public record ProxyNode(
    String id,
    Type type,
    String ip,
    String workloadName,
    String namespace,
    String serviceAccount,
    Map<String, String> labels,
    String service,
    OptionalInt appPort,
    int inboundPort,
    int outboundPort,
    Locality locality) {

  /** The label of a workload's region. */
  public static final String REGION_LABEL = "topology.kubernetes.io/region";
  /** The label of a workload's zone. */
  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  /** The label of a workload's subzone. */
  public static final String SUBZONE_LABEL = "topology.istio.io/subzone";

  /** Istio's sidecar inbound port. */
  public static final int DEFAULT_INBOUND_PORT = 15006;

  /**
   * The label Istio puts on workloads with a sidecar; with the value {@value #TLS_MODE_ISTIO} the
   * proxy has a workload certificate and speaks the mesh's mutual TLS.
   */
  public static final String TLS_MODE_LABEL = "security.istio.io/tlsMode";

  /** {@link #TLS_MODE_LABEL}'s value for a proxy that speaks the mesh's mutual TLS. */
  public static final String TLS_MODE_ISTIO = "istio";
  /** Istio's sidecar outbound port. */
  public static final int DEFAULT_OUTBOUND_PORT = 15001;

  /** The kinds of xDS client. */
  public enum Type {
    /** A sidecar proxy: inbound and outbound listeners. */
    SIDECAR("sidecar"),
    /** A gateway proxy: listeners from Gateway resources. */
    ROUTER("router"),
    /** A proxyless client (gRPC): API listeners named {@code host:port}. */
    PROXYLESS("");

    private final String idPrefix;

    Type(String idPrefix) {
      this.idPrefix = idPrefix;
    }

    /** The first field of the node id. */
    public String idPrefix() {
      return idPrefix;
    }
  }

  public ProxyNode {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(workloadName, "workloadName");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(appPort, "appPort");
    Objects.requireNonNull(locality, "locality");
  }

  /** A node whose locality comes from its labels. */
  public ProxyNode(
      String id,
      Type type,
      String ip,
      String workloadName,
      String namespace,
      String serviceAccount,
      Map<String, String> labels,
      String service,
      OptionalInt appPort,
      int inboundPort,
      int outboundPort) {
    this(id, type, ip, workloadName, namespace, serviceAccount, labels, service, appPort,
        inboundPort, outboundPort, localityOf(labels));
  }

  /** This node with one more label (or another value for it). */
  public ProxyNode withLabel(String name, String value) {
    Map<String, String> more = new TreeMap<>(labels);
    more.put(name, value);
    return new ProxyNode(id, type, ip, workloadName, namespace, serviceAccount, more, service,
        appPort, inboundPort, outboundPort, locality);
  }

  /** The locality Istio reads from a workload's topology labels; unknown when it has none. */
  public static Locality localityOf(Map<String, String> labels) {
    return new Locality(
        labels.getOrDefault(REGION_LABEL, ""),
        labels.getOrDefault(ZONE_LABEL, ""),
        labels.getOrDefault(SUBZONE_LABEL, ""));
  }

  /** A node id in Istio's shape. */
  public static String nodeId(
      Type type, String ip, String workloadName, String namespace, String domainSuffix) {
    return type.idPrefix() + "~" + ip + "~" + workloadName + "." + namespace + "~" + namespace
        + ".svc." + domainSuffix;
  }

  /** The Envoy {@code Node} a proxy sends to announce this. */
  public Node toEnvoyNode() {
    Struct.Builder labelStruct = Struct.newBuilder();
    labels.forEach((k, v) -> labelStruct.putFields(k, string(v)));
    Struct.Builder meta =
        Struct.newBuilder()
            .putFields("NAMESPACE", string(namespace))
            .putFields("SERVICE_ACCOUNT", string(serviceAccount))
            .putFields("WORKLOAD_NAME", string(workloadName))
            .putFields("INSTANCE_IPS", string(ip))
            .putFields("LABELS", Value.newBuilder().setStructValue(labelStruct).build())
            .putFields("BOWLINE_INBOUND_PORT", string(Integer.toString(inboundPort)))
            .putFields("BOWLINE_OUTBOUND_PORT", string(Integer.toString(outboundPort)));
    if (!service.isEmpty()) {
      meta.putFields("BOWLINE_SERVICE", string(service));
    }
    appPort.ifPresent(p -> meta.putFields("BOWLINE_APP_PORT", string(Integer.toString(p))));
    Node.Builder node =
        Node.newBuilder()
            .setId(id)
            .setCluster(service.isEmpty() ? workloadName + "." + namespace : service + "." + namespace)
            .setMetadata(meta);
    if (!locality.equals(Locality.UNKNOWN)) {
      node.setLocality(
          io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
              .setRegion(locality.region())
              .setZone(locality.zone())
              .setSubZone(locality.subzone()));
    }
    return node.build();
  }

  /**
   * Reads what a client announced.
   *
   * @throws IllegalArgumentException a Bowline-shaped node carries a malformed field; the message
   *     names it
   */
  public static ProxyNode fromEnvoyNode(Node node) {
    String id = node.getId();
    String[] parts = id.split("~", -1);
    Type type = Type.PROXYLESS;
    if (parts.length == 4) {
      if (parts[0].equals(Type.SIDECAR.idPrefix)) {
        type = Type.SIDECAR;
      } else if (parts[0].equals(Type.ROUTER.idPrefix)) {
        type = Type.ROUTER;
      }
    }
    Map<String, Value> meta = node.getMetadata().getFieldsMap();
    String namespace = text(meta, "NAMESPACE", "");
    String workload = text(meta, "WORKLOAD_NAME", "");
    String ip = text(meta, "INSTANCE_IPS", "");
    if (type != Type.PROXYLESS) {
      if (ip.isEmpty()) {
        ip = parts[1];
      }
      String podAndNs = parts[2];
      int dot = podAndNs.lastIndexOf('.');
      if (workload.isEmpty()) {
        workload = dot > 0 ? podAndNs.substring(0, dot) : podAndNs;
      }
      if (namespace.isEmpty() && dot > 0) {
        namespace = podAndNs.substring(dot + 1);
      }
    }
    int comma = ip.indexOf(',');
    if (comma >= 0) {
      ip = ip.substring(0, comma);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    Value labelValue = meta.get("LABELS");
    if (labelValue != null && labelValue.hasStructValue()) {
      labelValue.getStructValue().getFieldsMap().forEach((k, v) -> labels.put(k, v.getStringValue()));
    }
    return new ProxyNode(
        id,
        type,
        ip,
        workload.isEmpty() ? id : workload,
        namespace.isEmpty() ? "default" : namespace,
        text(meta, "SERVICE_ACCOUNT", "default"),
        labels,
        text(meta, "BOWLINE_SERVICE", ""),
        meta.containsKey("BOWLINE_APP_PORT")
            ? OptionalInt.of(port(meta, "BOWLINE_APP_PORT"))
            : OptionalInt.empty(),
        meta.containsKey("BOWLINE_INBOUND_PORT")
            ? port(meta, "BOWLINE_INBOUND_PORT")
            : DEFAULT_INBOUND_PORT,
        meta.containsKey("BOWLINE_OUTBOUND_PORT")
            ? port(meta, "BOWLINE_OUTBOUND_PORT")
            : DEFAULT_OUTBOUND_PORT,
        node.hasLocality()
                && !(node.getLocality().getRegion().isEmpty()
                    && node.getLocality().getZone().isEmpty()
                    && node.getLocality().getSubZone().isEmpty())
            ? new Locality(
                node.getLocality().getRegion(),
                node.getLocality().getZone(),
                node.getLocality().getSubZone())
            : localityOf(labels));
  }

  private static String text(Map<String, Value> meta, String key, String fallback) {
    Value v = meta.get(key);
    return v == null || v.getStringValue().isEmpty() ? fallback : v.getStringValue();
  }

  private static int port(Map<String, Value> meta, String key) {
    Value v = meta.get(key);
    String s = v.hasNumberValue() ? Long.toString((long) v.getNumberValue()) : v.getStringValue();
    try {
      int p = Integer.parseInt(s.trim());
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "node metadata " + key + ": '" + s + "' is not a port number (1-65535)");
    }
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
