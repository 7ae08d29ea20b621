package dev.bowline.kernel.pilot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.bowline.kernel.pilot.config.ApplyOutcome.Action;
import dev.bowline.kernel.pilot.istio.VirtualService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigStoreTest {

  private static final ConfigKey REVIEWS_VS = new ConfigKey(ConfigKind.VIRTUAL_SERVICE, "default", "reviews");
  private static final ConfigKey REVIEWS_DR = new ConfigKey(ConfigKind.DESTINATION_RULE, "default", "reviews");

  @TempDir Path dataDir;

  private final ConfigStore store = new ConfigStore(MeshSettings.DEFAULTS, Optional.empty());

  @Test
  void createsThenLeavesUnchangedThenConfigures() {
    List<ApplyOutcome> first = store.apply("bookinfo.yaml",
        BookinfoYaml.REVIEWS_VIRTUAL_SERVICE + "---\n" + BookinfoYaml.REVIEWS_DESTINATION_RULE, "api");
    assertThat(first).extracting(ApplyOutcome::key, ApplyOutcome::action)
        .containsExactly(tuple(REVIEWS_VS, Action.CREATED), tuple(REVIEWS_DR, Action.CREATED));
    assertThat(first.get(0).summary()).isEqualTo("VirtualService default/reviews created");
    ConfigSnapshot s1 = store.snapshot();
    assertThat(s1.all()).containsOnlyKeys(REVIEWS_VS, REVIEWS_DR);

    List<ApplyOutcome> again = store.apply("bookinfo.yaml", BookinfoYaml.REVIEWS_VIRTUAL_SERVICE, "api");
    assertThat(again).extracting(ApplyOutcome::action).containsExactly(Action.UNCHANGED);
    assertThat(store.snapshot()).isSameAs(s1);

    List<ApplyOutcome> shifted = store.apply("reviews-50-v3.yaml", BookinfoYaml.REVIEWS_50_V3, "api");
    assertThat(shifted).extracting(ApplyOutcome::action).containsExactly(Action.CONFIGURED);
    ConfigSnapshot s2 = store.snapshot();
    assertThat(s2.revision()).isGreaterThan(s1.revision());
    ConfigResource<?> vs = s2.get(REVIEWS_VS).orElseThrow();
    assertThat(vs.revision()).isEqualTo(s2.revision());
    assertThat(((VirtualService) vs.spec()).http().get(0).route()).hasSize(2);
    assertThat(s2.get(REVIEWS_DR).orElseThrow().revision()).isEqualTo(s1.revision());
  }

  @Test
  void aChangeOfLabelsAloneConfigures() {
    store.apply("dr.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE, "api");

    List<ApplyOutcome> out = store.apply("dr.yaml",
        BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: reviews\n", "name: reviews\n  labels: {team: books}\n"), "api");

    assertThat(out).extracting(ApplyOutcome::action).containsExactly(Action.CONFIGURED);
    assertThat(store.snapshot().get(REVIEWS_DR).orElseThrow().labels()).containsEntry("team", "books");
  }

  @Test
  void rejectsAnInvalidDocumentAloneWithMessagesNamingResourceAndField() {
    store.apply("reviews.yaml", BookinfoYaml.REVIEWS_VIRTUAL_SERVICE, "api");
    ConfigSnapshot before = store.snapshot();
    String bad = BookinfoYaml.REVIEWS_50_V3.replaceFirst("weight: 50\n", "weight: 40\n");

    List<ApplyOutcome> out = store.apply("shift.yaml", bad + "---\n" + BookinfoYaml.REVIEWS_DESTINATION_RULE, "api");

    assertThat(out).extracting(ApplyOutcome::action).containsExactly(Action.REJECTED, Action.CREATED);
    assertThat(out.get(0).errorMessages())
        .containsExactly("VirtualService default/reviews: spec.http[0].route: weights sum to 90, not 100");
    assertThat(store.snapshot().get(REVIEWS_VS)).isEqualTo(before.get(REVIEWS_VS));
    assertThat(store.snapshot().get(REVIEWS_DR)).isPresent();
  }

  @Test
  void returnsWarningsWhetherAcceptedOrRejected() {
    String withTls = BookinfoYaml.RATINGS_DELAY + "  tls:\n  - match: [{sniHosts: [ratings]}]\n"
        + "    route: [{destination: {host: ratings}}]\n";
    List<ApplyOutcome> accepted = store.apply("ratings.yaml", withTls, "api");
    assertThat(accepted.get(0).action()).isEqualTo(Action.CREATED);
    assertThat(accepted.get(0).warningMessages()).containsExactly(
        "VirtualService default/ratings: spec.tls: not applied by Bowline yet (accepted and stored):"
            + " for sidecars (mesh): tls rules apply to gateways' TLS servers in PASSTHROUGH mode");

    List<ApplyOutcome> rejected = store.apply("ratings.yaml",
        withTls.replace("hosts:\n  - ratings\n", "hosts: []\n"), "api");
    assertThat(rejected.get(0).action()).isEqualTo(Action.REJECTED);
    assertThat(rejected.get(0).warnings()).isNotEmpty();
  }

  @Test
  void rejectsATextThatIsNotYamlWithoutApplyingAnyOfIt() {
    List<ApplyOutcome> out = store.apply("broken.yaml",
        BookinfoYaml.REVIEWS_DESTINATION_RULE + "---\nkind: [\n", "api");

    assertThat(out).singleElement().satisfies(o -> {
      assertThat(o.key()).isNull();
      assertThat(o.action()).isEqualTo(Action.REJECTED);
      assertThat(o.errorMessages()).singleElement().asString().startsWith("broken.yaml: not valid YAML or JSON at line ");
    });
    assertThat(store.snapshot().all()).isEmpty();
  }

  @Test
  void namesADocumentThatCouldNotBeIdentified() {
    List<ApplyOutcome> out = store.apply("mixed.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: reviews}\nspec: {}\n---\n" + BookinfoYaml.REVIEWS_DESTINATION_RULE,
        "api");

    assertThat(out.get(0).key()).isNull();
    assertThat(out.get(0).errorMessages()).singleElement().asString()
        .startsWith("Service reviews in mixed.yaml (document 1): kind: \"Service\" is not a kind Bowline stores");
    assertThat(out.get(1).action()).isEqualTo(Action.CREATED);
  }

  @Test
  void validatesWithoutChangingAnything() {
    store.apply("reviews.yaml", BookinfoYaml.REVIEWS_VIRTUAL_SERVICE, "api");
    ConfigSnapshot before = store.snapshot();
    List<ConfigSnapshot> seen = new CopyOnWriteArrayList<>();
    store.addListener(seen::add);

    List<ApplyOutcome> out = store.validate("bookinfo.yaml", BookinfoYaml.REVIEWS_50_V3 + "---\n"
        + BookinfoYaml.REVIEWS_DESTINATION_RULE + "---\n" + BookinfoYaml.REVIEWS_VIRTUAL_SERVICE
        + "---\n" + BookinfoYaml.REVIEWS_50_V3.replace("weight: 50", "weight: 70"));

    assertThat(out).extracting(ApplyOutcome::action)
        .containsExactly(Action.CONFIGURED, Action.CREATED, Action.CONFIGURED, Action.REJECTED);
    assertThat(store.snapshot()).isSameAs(before);
    assertThat(seen).isEmpty();
  }

  @Test
  void deletesAnApiResource() {
    store.apply("dr.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE, "api");
    long revision = store.snapshot().revision();

    Optional<ConfigResource<?>> deleted = store.delete(REVIEWS_DR);

    assertThat(deleted).get().extracting(ConfigResource::key).isEqualTo(REVIEWS_DR);
    assertThat(store.snapshot().get(REVIEWS_DR)).isEmpty();
    assertThat(store.snapshot().revision()).isGreaterThan(revision);
    assertThat(store.delete(REVIEWS_DR)).isEmpty();
  }

  @Test
  void aSourceCannotOverwriteOrDeleteAnothersResource() {
    store.apply("dr.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE, "file:/etc/bowline/istio/reviews.yaml");

    List<ApplyOutcome> viaApi = store.apply("dr.yaml",
        BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: v3", "name: v4"), "api");
    assertThat(viaApi.get(0).action()).isEqualTo(Action.REJECTED);
    assertThat(viaApi.get(0).errorMessages()).containsExactly("DestinationRule default/reviews: cannot be changed from"
        + " the API: it is defined in /etc/bowline/istio/reviews.yaml; change or remove it there");
    assertThat(store.validate("dr.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE).get(0).action())
        .isEqualTo(Action.REJECTED);
    assertThatThrownBy(() -> store.delete(REVIEWS_DR))
        .isInstanceOf(ConfigOwnershipException.class)
        .hasMessageContaining("/etc/bowline/istio/reviews.yaml")
        .satisfies(e -> assertThat(((ConfigOwnershipException) e).owner())
            .isEqualTo("file:/etc/bowline/istio/reviews.yaml"));

    store.apply("vs.yaml", BookinfoYaml.REVIEWS_VIRTUAL_SERVICE, "api");
    List<ApplyOutcome> viaFile = store.apply("other.yaml", BookinfoYaml.REVIEWS_VIRTUAL_SERVICE, "file:/tmp/other.yaml");
    assertThat(viaFile.get(0).errorMessages()).containsExactly("VirtualService default/reviews: cannot be changed from"
        + " /tmp/other.yaml: it was applied through the API; delete it there first");
    assertThat(store.snapshot().get(REVIEWS_VS).orElseThrow().source()).isEqualTo("api");
  }

  @Test
  void callsListenersAfterEveryChangeThatAlteredSomething() {
    List<Long> revisions = new CopyOnWriteArrayList<>();
    store.addListener(s -> revisions.add(s.revision()));

    store.apply("vs.yaml", BookinfoYaml.REVIEWS_VIRTUAL_SERVICE, "api");
    store.apply("vs.yaml", BookinfoYaml.REVIEWS_VIRTUAL_SERVICE, "api");
    store.apply("vs.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec: {}\n", "api");
    store.apply("vs.yaml", BookinfoYaml.REVIEWS_50_V3, "api");
    store.delete(REVIEWS_VS);

    assertThat(revisions).hasSize(3).isSorted().doesNotHaveDuplicates();
    assertThat(revisions.get(2)).isEqualTo(store.snapshot().revision());
  }

  @Test
  void aFailingListenerDoesNotStopTheOthers() {
    List<Long> revisions = new CopyOnWriteArrayList<>();
    store.addListener(s -> {
      throw new IllegalStateException("boom");
    });
    store.addListener(s -> revisions.add(s.revision()));

    store.apply("vs.yaml", BookinfoYaml.REVIEWS_VIRTUAL_SERVICE, "api");

    assertThat(revisions).containsExactly(store.snapshot().revision());
  }

  @Test
  void listenersSeeRevisionsInOrderUnderConcurrentApplies() throws Exception {
    List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
    store.addListener(s -> revisions.add(s.revision()));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<ApplyOutcome>>> futures = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String yaml = BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: reviews", "name: reviews-" + i);
        futures.add(pool.submit(() -> store.apply("dr.yaml", yaml, "api")));
      }
      for (Future<List<ApplyOutcome>> f : futures) {
        assertThat(f.get()).extracting(ApplyOutcome::action).containsExactly(Action.CREATED);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.snapshot().all()).hasSize(40);
    assertThat(store.snapshot().revision()).isEqualTo(40);
    assertThat(revisions).isSorted().doesNotHaveDuplicates().last().isEqualTo(40L);
  }

  @Test
  void persistsApiResourcesAcrossARestart() throws Exception {
    ConfigStore first = new ConfigStore(MeshSettings.DEFAULTS, Optional.of(dataDir));
    first.load();
    first.apply("bookinfo.yaml", BookinfoYaml.REVIEWS_50_V3.replace("networking.istio.io/v1", "networking.istio.io/v1beta1")
        .replace("name: reviews\n", "name: reviews\n  namespace: bookinfo\n  labels: {app: reviews}\n")
        + "---\n" + BookinfoYaml.RATINGS_DELAY, "api");
    first.apply("dr.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE, "file:/etc/istio/dr.yaml");

    ConfigStore second = new ConfigStore(MeshSettings.DEFAULTS, Optional.of(dataDir));
    second.load();

    ConfigKey reviews = new ConfigKey(ConfigKind.VIRTUAL_SERVICE, "bookinfo", "reviews");
    assertThat(second.snapshot().all()).containsOnlyKeys(reviews,
        new ConfigKey(ConfigKind.VIRTUAL_SERVICE, "default", "ratings"));
    ConfigResource<?> before = first.snapshot().get(reviews).orElseThrow();
    ConfigResource<?> after = second.snapshot().get(reviews).orElseThrow();
    assertThat(after.apiVersion()).isEqualTo("networking.istio.io/v1beta1");
    assertThat(after.labels()).isEqualTo(before.labels());
    assertThat(after.rawSpec()).isEqualTo(before.rawSpec());
    assertThat(after.spec()).isEqualTo(before.spec());
    assertThat(after.source()).isEqualTo("api");
  }

  @Test
  void writesPersistedFilesOwnerOnlyAndLeavesNoTemporaryFiles() throws Exception {
    ConfigStore s = new ConfigStore(MeshSettings.DEFAULTS, Optional.of(dataDir));
    s.apply("dr.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE, "api");
    s.apply("dr.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: v3", "name: v4"), "api");

    Path file = dataDir.resolve("config/default/destinationrules/reviews.yaml");
    assertThat(file).exists();
    assertThat(Files.readString(file)).contains("name: v4");
    try (Stream<Path> all = Files.walk(dataDir.resolve("config"))) {
      assertThat(all.filter(Files::isRegularFile)).containsExactly(file);
    }
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(Set.of(
          PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
    }
  }

  @Test
  void deletingRemovesThePersistedFile() throws Exception {
    ConfigStore s = new ConfigStore(MeshSettings.DEFAULTS, Optional.of(dataDir));
    s.apply("dr.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE, "api");

    s.delete(REVIEWS_DR);

    assertThat(dataDir.resolve("config/default/destinationrules/reviews.yaml")).doesNotExist();
    ConfigStore restarted = new ConfigStore(MeshSettings.DEFAULTS, Optional.of(dataDir));
    restarted.load();
    assertThat(restarted.snapshot().all()).isEmpty();
  }

  @Test
  void loadKeepsAPersistedFileThatNoLongerValidatesAndLoadsTheRest() throws Exception {
    ConfigStore s = new ConfigStore(MeshSettings.DEFAULTS, Optional.of(dataDir));
    s.apply("bookinfo.yaml", BookinfoYaml.REVIEWS_VIRTUAL_SERVICE + "---\n" + BookinfoYaml.REVIEWS_DESTINATION_RULE, "api");
    Path vsFile = dataDir.resolve("config/default/virtualservices/reviews.yaml");
    Files.writeString(vsFile, Files.readString(vsFile).replace("host: reviews", "host: \"*\""));
    Files.writeString(vsFile.resolveSibling(".tmp-123.yaml"), "half writ");

    ConfigStore restarted = new ConfigStore(MeshSettings.DEFAULTS, Optional.of(dataDir));
    restarted.load();

    assertThat(restarted.snapshot().all()).containsOnlyKeys(REVIEWS_DR);
    assertThat(vsFile).exists();
    assertThat(vsFile.resolveSibling(".tmp-123.yaml")).doesNotExist();
  }

  @Test
  void replacesAllResourcesOfASourceAtOnce() {
    String source = "file:/etc/istio/bookinfo.yaml";
    var first = store.replaceSources(List.of(new ConfigStore.SourceText(source, "bookinfo.yaml",
        BookinfoYaml.REVIEWS_VIRTUAL_SERVICE + "---\n" + BookinfoYaml.REVIEWS_DESTINATION_RULE)), Set.of());
    assertThat(first.get(source)).extracting(ApplyOutcome::action).containsExactly(Action.CREATED, Action.CREATED);

    var second = store.replaceSources(List.of(new ConfigStore.SourceText(source, "bookinfo.yaml",
        BookinfoYaml.REVIEWS_50_V3)), Set.of());
    assertThat(second.get(source)).extracting(ApplyOutcome::action).containsExactly(Action.CONFIGURED);
    assertThat(store.snapshot().all()).containsOnlyKeys(REVIEWS_VS);

    var removed = store.replaceSources(List.of(), Set.of(source));
    assertThat(removed).isEmpty();
    assertThat(store.snapshot().all()).isEmpty();
  }

  @Test
  void rejectsASourceWithAnyInvalidDocumentAsAWholeAndKeepsItsResources() {
    String source = "file:/etc/istio/bookinfo.yaml";
    store.replaceSources(List.of(new ConfigStore.SourceText(source, "bookinfo.yaml",
        BookinfoYaml.REVIEWS_VIRTUAL_SERVICE)), Set.of());
    ConfigSnapshot before = store.snapshot();

    var out = store.replaceSources(List.of(new ConfigStore.SourceText(source, "bookinfo.yaml",
        BookinfoYaml.REVIEWS_DESTINATION_RULE + "---\n" + BookinfoYaml.REVIEWS_50_V3.replaceFirst("weight: 50", "weight: 10"))),
        Set.of());

    assertThat(out.get(source)).extracting(ApplyOutcome::action).containsOnly(Action.REJECTED);
    assertThat(out.get(source).get(0).errorMessages()).singleElement().asString().contains("applied whole or not at all");
    assertThat(out.get(source).get(1).errorMessages())
        .containsExactly("VirtualService default/reviews: spec.http[0].route: weights sum to 60, not 100");
    assertThat(store.snapshot()).isSameAs(before);

    var twice = store.replaceSources(List.of(new ConfigStore.SourceText(source, "bookinfo.yaml",
        BookinfoYaml.REVIEWS_DESTINATION_RULE + "---\n" + BookinfoYaml.REVIEWS_DESTINATION_RULE)), Set.of());
    assertThat(twice.get(source).get(1).errorMessages()).containsExactly(
        "DestinationRule default/reviews: defined twice in bookinfo.yaml (also bookinfo.yaml (document 1))");
    assertThat(store.snapshot()).isSameAs(before);
  }

  @Test
  void movesAResourceBetweenSourcesInOneStep() {
    String a = "file:/etc/istio/a.yaml";
    String b = "file:/etc/istio/b.yaml";
    store.replaceSources(List.of(new ConfigStore.SourceText(a, "a.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE)), Set.of());

    var conflict = store.replaceSources(List.of(new ConfigStore.SourceText(b, "b.yaml",
        BookinfoYaml.REVIEWS_DESTINATION_RULE)), Set.of());
    assertThat(conflict.get(b).get(0).errorMessages()).containsExactly("DestinationRule default/reviews: cannot be"
        + " changed from /etc/istio/b.yaml: it is defined in /etc/istio/a.yaml; change or remove it there");

    var moved = store.replaceSources(List.of(
        new ConfigStore.SourceText(b, "b.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE),
        new ConfigStore.SourceText(a, "a.yaml", "")), Set.of());
    assertThat(moved.get(b)).extracting(ApplyOutcome::action).containsExactly(Action.CONFIGURED);
    assertThat(moved.get(a)).isEmpty();
    assertThat(store.snapshot().get(REVIEWS_DR).orElseThrow().source()).isEqualTo(b);
  }

  @Test
  void requiresASource() {
    assertThatThrownBy(() -> store.apply("x.yaml", BookinfoYaml.REVIEWS_DESTINATION_RULE, " "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
