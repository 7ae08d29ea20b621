package dev.bowline.kernel.pilot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.pilot.istio.DestinationRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDirectoryWatcherTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ConfigKey REVIEWS_VS = new ConfigKey(ConfigKind.VIRTUAL_SERVICE, "default", "reviews");
  private static final ConfigKey REVIEWS_DR = new ConfigKey(ConfigKind.DESTINATION_RULE, "default", "reviews");
  private static final ConfigKey RATINGS_VS = new ConfigKey(ConfigKind.VIRTUAL_SERVICE, "default", "ratings");

  @TempDir Path dir;

  private final ConfigStore store = new ConfigStore(MeshSettings.DEFAULTS, Optional.empty());
  private ConfigDirectoryWatcher watcher;

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private ConfigDirectoryWatcher start() {
    watcher = new ConfigDirectoryWatcher(dir, store);
    watcher.start();
    return watcher;
  }

  /** Writes through a temporary file and a rename, as editors and config management tools do. */
  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(temp, text);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private List<String> subsets() {
    return store.snapshot().get(REVIEWS_DR)
        .map(r -> ((DestinationRule) r.spec()).subsets().stream().map(DestinationRule.Subset::name).toList())
        .orElse(List.of());
  }

  @Test
  void loadsEveryConfigFileAtStart() throws Exception {
    write(dir.resolve("reviews.yaml"), BookinfoYaml.REVIEWS_VIRTUAL_SERVICE);
    write(dir.resolve("rules/reviews-dr.yml"), BookinfoYaml.REVIEWS_DESTINATION_RULE);
    write(dir.resolve("ratings.json"), "{\"apiVersion\": \"networking.istio.io/v1\", \"kind\": \"VirtualService\","
        + " \"metadata\": {\"name\": \"ratings\"}, \"spec\": {\"hosts\": [\"ratings\"],"
        + " \"http\": [{\"route\": [{\"destination\": {\"host\": \"ratings\"}}]}]}}");
    write(dir.resolve("notes.txt"), "not config");
    write(dir.resolve(".hidden/secret.yaml"), BookinfoYaml.HTTPBIN_SERVICE_ENTRY);

    start();

    assertThat(store.snapshot().all()).containsOnlyKeys(REVIEWS_VS, REVIEWS_DR, RATINGS_VS);
    assertThat(store.snapshot().get(REVIEWS_DR).orElseThrow().source())
        .isEqualTo("file:" + dir.resolve("rules/reviews-dr.yml").toAbsolutePath());
    assertThat(watcher.fileErrors()).isEmpty();
  }

  @Test
  void picksUpCreatedChangedAndDeletedFiles() throws Exception {
    start();
    Path file = dir.resolve("bookinfo.yaml");

    write(file, BookinfoYaml.REVIEWS_DESTINATION_RULE + "---\n" + BookinfoYaml.REVIEWS_VIRTUAL_SERVICE);
    await().atMost(WAIT).until(() -> store.snapshot().all().keySet().containsAll(List.of(REVIEWS_DR, REVIEWS_VS)));

    write(file, BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: v3", "name: v4"));
    await().atMost(WAIT).until(() -> subsets().contains("v4"));
    assertThat(store.snapshot().all()).containsOnlyKeys(REVIEWS_DR);

    Files.delete(file);
    await().atMost(WAIT).until(() -> store.snapshot().all().isEmpty());
  }

  @Test
  void picksUpFilesInNewSubdirectories() throws Exception {
    start();

    write(dir.resolve("team-a/ratings/ratings.yaml"), BookinfoYaml.RATINGS_DELAY);

    await().atMost(WAIT).until(() -> store.snapshot().get(RATINGS_VS).isPresent());
  }

  @Test
  void aBadEditKeepsThePreviousResourcesUntilFixed() throws Exception {
    Path file = dir.resolve("reviews.yaml");
    write(file, BookinfoYaml.REVIEWS_DESTINATION_RULE + "---\n" + BookinfoYaml.REVIEWS_VIRTUAL_SERVICE);
    start();
    ConfigSnapshot good = store.snapshot();

    write(file, BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: v3", "name: v4") + "---\n"
        + BookinfoYaml.REVIEWS_50_V3.replaceFirst("weight: 50", "weight: 40"));

    await().atMost(WAIT).until(() -> watcher.fileErrors().containsKey(file.toAbsolutePath()));
    assertThat(watcher.fileErrors().get(file.toAbsolutePath()))
        .contains("VirtualService default/reviews: spec.http[0].route: weights sum to 90, not 100");
    assertThat(store.snapshot()).isSameAs(good);

    write(file, "apiVersion: networking.istio.io/v1\nkind: [oops\n");
    await().atMost(WAIT).until(() -> watcher.fileErrors().getOrDefault(file.toAbsolutePath(), List.of())
        .stream().anyMatch(m -> m.contains("not valid YAML or JSON")));
    assertThat(store.snapshot()).isSameAs(good);

    write(file, BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: v3", "name: v4"));
    await().atMost(WAIT).until(() -> subsets().contains("v4"));
    assertThat(watcher.fileErrors()).isEmpty();
    assertThat(store.snapshot().all()).containsOnlyKeys(REVIEWS_DR);
  }

  @Test
  void aFileDefiningAnotherSourcesResourceWaitsUntilItIsFree() throws Exception {
    store.apply("dr.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE, "api");
    Path file = dir.resolve("dr.yaml");
    write(file, BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: v3", "name: v4"));
    watcher = new ConfigDirectoryWatcher(dir, store, Duration.ofMillis(200), Duration.ofMillis(50));
    watcher.start();

    assertThat(watcher.fileErrors().get(file.toAbsolutePath())).singleElement().asString()
        .contains("it was applied through the API; delete it there first");
    assertThat(subsets()).doesNotContain("v4");

    store.delete(REVIEWS_DR);

    await().atMost(WAIT).until(() -> subsets().contains("v4"));
    assertThat(watcher.fileErrors()).isEmpty();
  }

  @Test
  void aMovedFileKeepsItsResourcesWithoutAGap() throws Exception {
    Path from = dir.resolve("old.yaml");
    write(from, BookinfoYaml.REVIEWS_DESTINATION_RULE);
    start();
    List<ConfigSnapshot> seen = new CopyOnWriteArrayList<>();
    store.addListener(seen::add);
    Path to = dir.resolve("new.yaml");

    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);

    String newSource = "file:" + to.toAbsolutePath();
    await().atMost(WAIT).until(() -> store.snapshot().get(REVIEWS_DR).map(ConfigResource::source)
        .filter(newSource::equals).isPresent());
    assertThat(seen).allSatisfy(s -> assertThat(s.get(REVIEWS_DR)).isPresent());
  }

  @Test
  void closingStopsWatchingButKeepsTheResources() throws Exception {
    write(dir.resolve("dr.yaml"), BookinfoYaml.REVIEWS_DESTINATION_RULE);
    start();

    watcher.close();

    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("bowline-config-watcher") && t.isAlive());
    assertThat(store.snapshot().all()).containsOnlyKeys(REVIEWS_DR);
  }
}
