package dev.bowline.kernel.pilot.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bowline.kernel.pilot.istio.DestinationRule;
import dev.bowline.kernel.pilot.istio.Gateway;
import dev.bowline.kernel.pilot.istio.PeerAuthentication;
import dev.bowline.kernel.pilot.istio.ServiceEntry;
import dev.bowline.kernel.pilot.istio.Sidecar;
import dev.bowline.kernel.pilot.istio.VirtualService;
import dev.bowline.kernel.pilot.istio.WorkloadEntry;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Istio kinds Bowline stores, with their API group, the versions accepted for them, the names
 * an operator may use for them on the command line and the Java type of their spec.
 *
 * <p>AuthorizationPolicy and RequestAuthentication are stored as they are written (spec type
 * {@link JsonNode}) for the issues that apply them.
 */
public enum ConfigKind {
  VIRTUAL_SERVICE("networking.istio.io", "VirtualService", List.of("vs"), VirtualService.class),
  DESTINATION_RULE("networking.istio.io", "DestinationRule", List.of("dr"), DestinationRule.class),
  GATEWAY("networking.istio.io", "Gateway", List.of("gw"), Gateway.class),
  SERVICE_ENTRY("networking.istio.io", "ServiceEntry", List.of("se"), ServiceEntry.class),
  WORKLOAD_ENTRY("networking.istio.io", "WorkloadEntry", List.of("we"), WorkloadEntry.class),
  SIDECAR("networking.istio.io", "Sidecar", List.of(), Sidecar.class),
  PEER_AUTHENTICATION(
      "security.istio.io", "PeerAuthentication", List.of("pa"), PeerAuthentication.class),
  AUTHORIZATION_POLICY("security.istio.io", "AuthorizationPolicy", List.of("ap"), JsonNode.class),
  REQUEST_AUTHENTICATION(
      "security.istio.io", "RequestAuthentication", List.of("ra"), JsonNode.class);

  private static final List<String> NETWORKING_VERSIONS = List.of("v1", "v1beta1", "v1alpha3");
  private static final List<String> SECURITY_VERSIONS = List.of("v1", "v1beta1");

  private final String group;
  private final String kind;
  private final List<String> shortNames;
  private final Class<?> specType;

  ConfigKind(String group, String kind, List<String> shortNames, Class<?> specType) {
    this.group = group;
    this.kind = kind;
    this.shortNames = shortNames;
    this.specType = specType;
  }

  /** The API group, such as {@code networking.istio.io}. */
  public String group() {
    return group;
  }

  /** The kind as written in YAML, such as {@code VirtualService}. */
  public String kind() {
    return kind;
  }

  /** The lower-case plural, as in kubectl: {@code virtualservices}. */
  public String plural() {
    return kind.toLowerCase(Locale.ROOT) + "s";
  }

  /** The Java type the spec is read into. */
  public Class<?> specType() {
    return specType;
  }

  /** The versions of the group accepted for this kind, the preferred one first. */
  public List<String> versions() {
    return group.startsWith("networking") ? NETWORKING_VERSIONS : SECURITY_VERSIONS;
  }

  /** The preferred {@code apiVersion}, such as {@code networking.istio.io/v1}. */
  public String preferredApiVersion() {
    return group + "/" + versions().get(0);
  }

  /** Whether {@code apiVersion} ({@code group/version}) is accepted for this kind. */
  public boolean accepts(String apiVersion) {
    int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
    return slash > 0
        && apiVersion.substring(0, slash).equals(group)
        && versions().contains(apiVersion.substring(slash + 1));
  }

  /** The kind with this YAML {@code kind}. */
  public static Optional<ConfigKind> ofKind(String kind) {
    for (ConfigKind k : values()) {
      if (k.kind.equals(kind)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * The kind an operator means by {@code name}: the kind ({@code VirtualService}), its lower case
   * singular or plural ({@code virtualservice}, {@code virtualservices}) or a short name
   * ({@code vs}), case-insensitively.
   */
  public static Optional<ConfigKind> parse(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (ConfigKind k : values()) {
      if (k.kind.toLowerCase(Locale.ROOT).equals(n) || k.plural().equals(n)
          || k.shortNames.contains(n)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
