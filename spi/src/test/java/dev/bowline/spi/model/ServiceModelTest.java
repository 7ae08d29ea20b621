package dev.bowline.spi.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.platform.PlatformSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceModelTest {

  private static Service reviews() {
    return new Service(
        Hostname.of("reviews.default.svc.cluster.local"),
        "default",
        List.of(ServicePort.of("http", 9080, Protocol.HTTP)),
        Map.of(),
        MeshLocation.MESH_INTERNAL);
  }

  @Test
  void valueTypesAreImmutableCopies() {
    Map<String, String> labels = new HashMap<>(Map.of("version", "v1"));
    Endpoint e = new Endpoint("10.0.0.1", 9080, labels, Locality.parse("eu/west1/a"), 3, HealthStatus.HEALTHY);
    labels.put("version", "v2");
    assertThat(e.labels()).containsEntry("version", "v1");
    assertThat(e.locality().zone()).isEqualTo("west1");
    assertThat(Endpoint.of("::1", 80).authority()).isEqualTo("[::1]:80");
    assertThat(e.withWeight(5).weight()).isEqualTo(5);
  }

  @Test
  void invalidValuesAreRejectedWithTheField() {
    assertThatThrownBy(() -> Endpoint.of("10.0.0.1", 0)).hasMessageContaining("endpoint port 0");
    assertThatThrownBy(() -> Endpoint.of("10.0.0.1", 80).withWeight(0)).hasMessageContaining("weight 0");
    assertThatThrownBy(() -> ServicePort.of("http", 70000, Protocol.HTTP)).hasMessageContaining("number 70000");
    assertThatThrownBy(
            () ->
                new Service(
                    Hostname.of("a.b"),
                    "default",
                    List.of(ServicePort.of("http", 80, Protocol.HTTP), ServicePort.of("http", 81, Protocol.HTTP)),
                    Map.of(),
                    MeshLocation.MESH_INTERNAL))
        .hasMessageContaining("ports[0] and ports[1]");
    assertThatThrownBy(() -> Locality.parse("a/b/c/d")).hasMessageContaining("more than three parts");
  }

  @Test
  void protocolsParseFromIstioPortNames() {
    assertThat(Protocol.parse("http-web")).contains(Protocol.HTTP);
    assertThat(Protocol.parse("grpc")).contains(Protocol.GRPC);
    assertThat(Protocol.parse("mongo")).isEmpty();
    assertThat(Protocol.GRPC.isHttp()).isTrue();
    assertThat(Protocol.TCP.isHttp()).isFalse();
  }

  @Test
  void snapshotsOnlyAcceptEndpointsOfKnownServicePorts() {
    Service reviews = reviews();
    PlatformSnapshot ok =
        new PlatformSnapshot(
            List.of(reviews),
            Map.of(reviews.hostname(), Map.of("http", List.of(Endpoint.of("10.0.0.1", 9080)))),
            List.of());
    assertThat(ok.endpoints(reviews.hostname(), "http")).hasSize(1);
    assertThat(ok.endpoints(reviews.hostname(), "grpc")).isEmpty();

    assertThatThrownBy(
            () -> new PlatformSnapshot(List.of(), Map.of(reviews.hostname(), Map.of()), List.of()))
        .hasMessageContaining("unknown service reviews.default.svc.cluster.local");
    assertThatThrownBy(
            () ->
                new PlatformSnapshot(
                    List.of(reviews), Map.of(reviews.hostname(), Map.of("tcp", List.of())), List.of()))
        .hasMessageContaining("port 'tcp'");
    assertThatThrownBy(() -> new PlatformSnapshot(List.of(reviews, reviews), Map.of(), List.of()))
        .hasMessageContaining("appears twice");
  }
}
