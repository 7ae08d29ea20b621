package dev.bowline.kernel.citadel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoinTokenStoreTest {

  @TempDir Path dir;
  private final SettableClock clock = new SettableClock();

  @Test
  void aTokenProvesItsServiceAccountUntilItExpires() throws Exception {
    JoinTokenStore store = JoinTokenStore.open(dir.resolve("citadel/join-tokens.json"), clock);
    String token = store.create("default", "ratings", Duration.ofHours(1));

    assertThat(token).startsWith("bowline-join.");
    assertThat(store.check(token)).isInstanceOfSatisfying(JoinTokenStore.Accepted.class, a -> {
      assertThat(a.token().namespace()).isEqualTo("default");
      assertThat(a.token().serviceAccount()).isEqualTo("ratings");
    });
    assertThat(store.check(token)).as("reusable until expiry").isInstanceOf(JoinTokenStore.Accepted.class);

    clock.advance(Duration.ofHours(1));
    assertThat(store.check(token)).isInstanceOfSatisfying(JoinTokenStore.Refused.class,
        r -> assertThat(r.reason()).contains("expired"));
  }

  @Test
  void aWrongSecretARevokedTokenAndGarbageProveNothing() throws Exception {
    JoinTokenStore store = JoinTokenStore.open(dir.resolve("tokens.json"), clock);
    String token = store.create("shop", "web", Duration.ofMinutes(10));
    String id = token.split("\\.")[1];

    assertThat(store.check(token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A")))
        .isEqualTo(new JoinTokenStore.Refused("unknown join token"));
    assertThat(store.check("bowline-join.nothing")).isEqualTo(new JoinTokenStore.Refused("malformed join token"));
    assertThat(store.check("eyJhbGciOi.k8s.token")).isEqualTo(new JoinTokenStore.Refused("not a Bowline join token"));
    assertThat(store.check(null)).isInstanceOf(JoinTokenStore.Refused.class);

    assertThat(store.revoke(id)).isTrue();
    assertThat(store.check(token)).isInstanceOfSatisfying(JoinTokenStore.Refused.class,
        r -> assertThat(r.reason()).isEqualTo("join token " + id + " was revoked"));
    assertThat(store.revoke("ffffffffffff")).isFalse();
  }

  @Test
  void theStoreSurvivesARestartKeepsOnlyHashesAndIsReadableByItsOwnerOnly() throws Exception {
    Path file = dir.resolve("citadel/join-tokens.json");
    String token = JoinTokenStore.open(file, clock).create("default", "reviews", Duration.ofHours(2));

    String text = Files.readString(file);
    assertThat(text).contains("reviews").doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");

    JoinTokenStore reopened = JoinTokenStore.open(file, clock);
    assertThat(reopened.check(token)).isInstanceOf(JoinTokenStore.Accepted.class);
    assertThat(reopened.list()).singleElement().satisfies(t -> assertThat(t.serviceAccount()).isEqualTo("reviews"));
  }

  @Test
  void badScopesAndLifetimesAreRefusedNamingTheField() throws Exception {
    JoinTokenStore store = JoinTokenStore.open(dir.resolve("tokens.json"), clock);
    assertThatThrownBy(() -> store.create("Default", "web", Duration.ofHours(1)))
        .hasMessageContaining("namespace 'Default' is not a DNS label");
    assertThatThrownBy(() -> store.create("default", "web_1", Duration.ofHours(1)))
        .hasMessageContaining("serviceAccount 'web_1'");
    assertThatThrownBy(() -> store.create("default", "web", Duration.ofHours(25)))
        .hasMessageContaining("ttl: must be more than 0 and at most 24h");
    assertThatThrownBy(() -> store.create("default", "web", Duration.ZERO)).hasMessageContaining("ttl");
    assertThat(store.list()).isEmpty();
  }

  @Test
  void anUnreadableStoreIsAnErrorNamingTheFile() throws Exception {
    Path file = dir.resolve("tokens.json");
    Files.writeString(file, "{not json");
    assertThatThrownBy(() -> JoinTokenStore.open(file, clock))
        .hasMessageContaining("join token store " + file + " is unreadable");
  }

  @Test
  void withoutADataDirectoryNoTokenCanBeMadeOrProved() {
    JoinTokenStore none = JoinTokenStore.none(clock);
    assertThatThrownBy(() -> none.create("default", "ratings", Duration.ofHours(1)))
        .hasMessageContaining("--data-dir");
    assertThat(none.list()).isEmpty();
    assertThat(none.check("bowline-join.abc.def")).isInstanceOf(JoinTokenStore.Refused.class);
  }
}
