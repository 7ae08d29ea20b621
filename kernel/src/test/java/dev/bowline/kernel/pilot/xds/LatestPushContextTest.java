package dev.bowline.kernel.pilot.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.kernel.pilot.config.ConfigSnapshot;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.translate.PushContext;
import dev.bowline.spi.platform.PlatformSnapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LatestPushContextTest {

  private final AtomicReference<PlatformSnapshot> registry =
      new AtomicReference<>(PlatformSnapshot.EMPTY);
  private final LatestPushContext contexts =
      new LatestPushContext(
          () -> new PushContext(ConfigSnapshot.EMPTY, registry.get(), MeshSettings.DEFAULTS));

  @Test
  void theSameSnapshotsGiveThePreviousInstance() {
    PushContext first = contexts.read();

    assertThat(contexts.read()).isSameAs(first);
    assertThat(contexts.read()).isSameAs(first);
  }

  @Test
  void aNewRegistrySnapshotGivesANewInstanceThatIsThenKept() {
    PushContext first = contexts.read();
    registry.set(new PlatformSnapshot(List.of(), Map.of(), List.of()));

    PushContext second = contexts.read();

    assertThat(second).isNotSameAs(first);
    assertThat(second.registry()).isSameAs(registry.get());
    assertThat(contexts.read()).isSameAs(second);
  }

  @Test
  void aSupplierReturningNullFailsWithAClearMessage() {
    LatestPushContext nothing = new LatestPushContext(() -> null);

    assertThatThrownBy(nothing::read)
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("push context supplier returned null");
  }
}
