package dev.bowline.kernel.agent;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.bowline.spi.model.SpiffeId;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Binds the node an application announces to the identity its agent proved: the node's metadata
 * {@code NAMESPACE} must be the namespace of the agent's workload certificate, and its {@code
 * SERVICE_ACCOUNT}, when set, that certificate's service account; a node without {@code
 * SERVICE_ACCOUNT} gets the certificate's, so that Pilot's own check (the node's identity is the
 * one the mutual TLS stream proved) passes. Anything else is refused before it reaches the control
 * plane: an application cannot borrow its agent's certificate to register as another workload.
 *
 * <p><b>Threading.</b> Thread-safe; the identity supplier is read at every call.
 */
public final class IdentityBinding {

  static final String NAMESPACE = "NAMESPACE";
  static final String SERVICE_ACCOUNT = "SERVICE_ACCOUNT";

  private final Supplier<Optional<SpiffeId>> proven;

  /** @param proven the identity of the agent's current workload certificate, empty before the first */
  public IdentityBinding(Supplier<Optional<SpiffeId>> proven) {
    this.proven = Objects.requireNonNull(proven, "proven");
  }

  /**
   * The node to send to the control plane for {@code node}.
   *
   * @throws StatusException {@code PERMISSION_DENIED} naming both identities when the node claims
   *     another namespace or service account; {@code INVALID_ARGUMENT} when it names no namespace;
   *     {@code UNAVAILABLE} while the agent has no certificate
   */
  public Node bind(Node node) throws StatusException {
    SpiffeId agent = proven.get().orElseThrow(() -> Status.UNAVAILABLE
        .withDescription("the agent has no workload certificate yet").asException());
    Map<String, Value> metadata = node.getMetadata().getFieldsMap();
    String namespace = text(metadata, NAMESPACE);
    String serviceAccount = text(metadata, SERVICE_ACCOUNT);
    String agentNamespace = agent.namespace().orElse("");
    String agentServiceAccount = agent.serviceAccount().orElse("");
    if (namespace.isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("node '" + node.getId() + "' has no metadata " + NAMESPACE
          + "; this agent's workload certificate proves " + agent + ": announce " + NAMESPACE + " "
          + agentNamespace + " (the bootstrap bowline agent --grpc-bootstrap writes does)").asException();
    }
    if (!namespace.equals(agentNamespace) || !(serviceAccount.isEmpty() || serviceAccount.equals(agentServiceAccount))) {
      throw Status.PERMISSION_DENIED.withDescription("node '" + node.getId() + "' claims namespace '" + namespace
          + "'" + (serviceAccount.isEmpty() ? "" : " and service account '" + serviceAccount + "'")
          + " but this agent's workload certificate proves " + agent
          + "; an application registers through its agent only as the agent's identity").asException();
    }
    if (!serviceAccount.isEmpty()) {
      return node;
    }
    Struct withServiceAccount = node.getMetadata().toBuilder()
        .putFields(SERVICE_ACCOUNT, Value.newBuilder().setStringValue(agentServiceAccount).build())
        .build();
    return node.toBuilder().setMetadata(withServiceAccount).build();
  }

  private static String text(Map<String, Value> metadata, String key) {
    Value v = metadata.get(key);
    return v == null ? "" : v.getStringValue();
  }
}
