package dev.bowline.kernel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.bowline.spi.model.SpiffeId;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An application's node bound to the identity of its agent's certificate. */
class IdentityBindingTest {

  private static final SpiffeId ORDERS = SpiffeId.forServiceAccount("cluster.local", "shop", "orders");
  private final IdentityBinding binding = new IdentityBinding(() -> Optional.of(ORDERS));

  @Test
  void aNodeWithoutServiceAccountGetsTheAgentsAndKeepsTheRest() throws Exception {
    Node bound = binding.bind(node("shop", null));

    assertThat(bound.getId()).isEqualTo("orders-1");
    assertThat(bound.getMetadata().getFieldsMap())
        .containsEntry("SERVICE_ACCOUNT", string("orders"))
        .containsEntry("NAMESPACE", string("shop"))
        .containsEntry("WORKLOAD_NAME", string("orders"));
  }

  @Test
  void aNodeOfTheAgentsIdentityGoesAsItCame() throws Exception {
    Node node = node("shop", "orders");
    assertThat(binding.bind(node)).isSameAs(node);
  }

  @Test
  void anotherNamespaceOrServiceAccountIsDeniedNamingBoth() {
    assertThatThrownBy(() -> binding.bind(node("default", "orders")))
        .isInstanceOfSatisfying(StatusException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("namespace 'default'", ORDERS.toString());
        });
    assertThatThrownBy(() -> binding.bind(node("shop", "payments")))
        .isInstanceOfSatisfying(StatusException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("service account 'payments'", ORDERS.toString());
        });
  }

  @Test
  void aNodeWithoutNamespaceIsInvalid() {
    assertThatThrownBy(() -> binding.bind(node(null, "orders")))
        .isInstanceOfSatisfying(StatusException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("no metadata NAMESPACE", "announce NAMESPACE shop");
        });
  }

  @Test
  void withoutACertificateNothingIsBound() {
    assertThatThrownBy(() -> new IdentityBinding(Optional::empty).bind(node("shop", "orders")))
        .isInstanceOfSatisfying(StatusException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  private static Node node(String namespace, String serviceAccount) {
    Struct.Builder metadata = Struct.newBuilder().putFields("WORKLOAD_NAME", string("orders"));
    if (namespace != null) {
      metadata.putFields("NAMESPACE", string(namespace));
    }
    if (serviceAccount != null) {
      metadata.putFields("SERVICE_ACCOUNT", string(serviceAccount));
    }
    return Node.newBuilder().setId("orders-1").setMetadata(metadata).build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
