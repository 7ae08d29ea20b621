package dev.bowline.kernel.pilot.registry.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.pilot.node.ProxyNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SelfRegistrationsTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger changes = new AtomicInteger();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void aDisconnectedSidecarIsRemovedAfterTheGracePeriod() {
    SelfRegistrations registrations =
        new SelfRegistrations(Duration.ofMillis(200), scheduler, changes::incrementAndGet);
    ProxyNode node = ServiceEntryConversionTest.sidecar("r1", "default", "reviews", Map.of(), 15006);

    registrations.connected(node);
    assertThat(registrations.all()).containsExactly(node);
    registrations.disconnected(node);
    assertThat(registrations.all()).containsExactly(node);

    await().atMost(Duration.ofSeconds(5)).until(() -> registrations.all().isEmpty());
    assertThat(changes).hasValue(2);
  }

  @Test
  void reconnectingWithinTheGracePeriodKeepsTheRegistration() throws Exception {
    SelfRegistrations registrations =
        new SelfRegistrations(Duration.ofMillis(300), scheduler, changes::incrementAndGet);
    ProxyNode node = ServiceEntryConversionTest.sidecar("r1", "default", "reviews", Map.of(), 15006);

    registrations.connected(node);
    registrations.disconnected(node);
    registrations.connected(node);
    // A removal that was cancelled must never run: wait past the grace period with a marker task.
    scheduler.schedule(() -> { }, 600, java.util.concurrent.TimeUnit.MILLISECONDS).get();

    assertThat(registrations.all()).containsExactly(node);
    assertThat(changes).hasValue(1);
  }

  @Test
  void onlySidecarsThatNameAServiceRegister() {
    SelfRegistrations registrations =
        new SelfRegistrations(Duration.ofSeconds(1), scheduler, changes::incrementAndGet);

    registrations.connected(ServiceEntryConversionTest.sidecar("x", "default", "", Map.of(), 15006));

    assertThat(registrations.all()).isEmpty();
    assertThat(changes).hasValue(0);
  }

  @Test
  void registrationsSurviveARestartForOneGracePeriod(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path state = dir.resolve("registrations.jsonl");
    ProxyNode node = ServiceEntryConversionTest.sidecar("r1", "default", "reviews", Map.of("version", "v2"), 15006);
    SelfRegistrations before = new SelfRegistrations(
        Duration.ofSeconds(5), scheduler, changes::incrementAndGet, java.util.Optional.of(state));
    before.connected(node);

    SelfRegistrations after = new SelfRegistrations(
        Duration.ofMillis(300), scheduler, changes::incrementAndGet, java.util.Optional.of(state));
    after.restore();

    assertThat(after.all()).containsExactly(node);
    await().atMost(Duration.ofSeconds(5)).until(() -> after.all().isEmpty());
    SelfRegistrations third = new SelfRegistrations(
        Duration.ofMillis(300), scheduler, changes::incrementAndGet, java.util.Optional.of(state));
    third.restore();
    assertThat(third.all()).as("the expiry was saved too").isEmpty();
  }
}
