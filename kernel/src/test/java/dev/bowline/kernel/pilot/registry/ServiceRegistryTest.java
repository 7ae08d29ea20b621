package dev.bowline.kernel.pilot.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.MeshLocation;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformSnapshot;
import dev.bowline.spi.platform.RegistrySink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceRegistryTest {

  @Test
  void mergesSourcesAndTheFirstRegisteredSourceWinsAHostname() {
    ServiceRegistry registry = new ServiceRegistry();
    List<PlatformSnapshot> published = new ArrayList<>();
    registry.addListener(published::add);
    RegistrySink embedded = registry.sink("embedded");
    RegistrySink platform = registry.sink("platform-x");

    platform.replace(snapshot("orders.shop", "10.0.0.2"));
    embedded.replace(snapshot("orders.shop", "10.0.0.1"));
    platform.replace(new PlatformSnapshot(
        List.of(service("orders.shop"), service("billing.shop")),
        Map.of(Hostname.of("billing.shop"), Map.of("http", List.of(Endpoint.of("10.0.0.3", 80)))),
        List.of()));

    PlatformSnapshot merged = registry.snapshot();
    assertThat(merged.services()).extracting(s -> s.hostname().value())
        .containsExactly("orders.shop", "billing.shop");
    assertThat(merged.endpoints(Hostname.of("orders.shop"), "http"))
        .extracting(Endpoint::address).containsExactly("10.0.0.1");
    assertThat(registry.conflicts()).singleElement().asString()
        .contains("orders.shop", "embedded wins");
    assertThat(registry.hasService("billing.shop")).isTrue();
    assertThat(published).hasSize(3);
  }

  @Test
  void aFailedSourceKeepsItsLastViewAndAnUnchangedReportPublishesNothing() {
    ServiceRegistry registry = new ServiceRegistry();
    List<PlatformSnapshot> published = new ArrayList<>();
    registry.addListener(published::add);
    RegistrySink sink = registry.sink("platform-x");

    sink.replace(snapshot("orders.shop", "10.0.0.2"));
    sink.failed("watch lost: connection refused");
    sink.replace(snapshot("orders.shop", "10.0.0.2"));

    assertThat(registry.snapshot().services()).hasSize(1);
    assertThat(published).hasSize(1);
    assertThat(registry.failures()).isEmpty();
  }

  @Test
  void aSourceRegistersOnce() {
    ServiceRegistry registry = new ServiceRegistry();
    registry.sink("embedded");

    assertThatThrownBy(() -> registry.sink("embedded")).hasMessageContaining("embedded");
  }

  private static PlatformSnapshot snapshot(String host, String address) {
    return new PlatformSnapshot(List.of(service(host)),
        Map.of(Hostname.of(host), Map.of("http", List.of(Endpoint.of(address, 80)))), List.of());
  }

  private static Service service(String host) {
    return new Service(Hostname.of(host), "shop", List.of(ServicePort.of("http", 80, Protocol.HTTP)),
        Map.of(), MeshLocation.MESH_INTERNAL);
  }
}
