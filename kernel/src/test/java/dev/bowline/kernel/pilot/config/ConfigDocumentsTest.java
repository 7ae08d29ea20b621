package dev.bowline.kernel.pilot.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.config.ApplyOutcome.Action;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigDocumentsTest {

  private final ConfigStore store = new ConfigStore(MeshSettings.DEFAULTS, Optional.empty());

  private List<ConfigResource<?>> applied(String yaml) {
    assertThat(store.apply("in.yaml", yaml, "api")).extracting(ApplyOutcome::action).containsOnly(Action.CREATED);
    return List.copyOf(store.snapshot().all().values());
  }

  @Test
  void rendersAResourceAsTheDocumentAnOperatorWrote() {
    ConfigResource<?> dr = applied(BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: reviews\n",
        "name: reviews\n  namespace: bookinfo\n  labels: {team: books, app: reviews}\n  annotations: {a: b}\n")).get(0);

    assertThat(ConfigDocuments.toYaml(dr)).isEqualTo("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
          namespace: bookinfo
          labels:
            app: reviews
            team: books
          annotations:
            a: b
        spec:
          host: reviews
          subsets:
            - name: v1
              labels:
                version: v1
            - name: v2
              labels:
                version: v2
            - name: v3
              labels:
                version: v3
        """);
  }

  @Test
  void whatItWritesReadsBackToTheSameResources() {
    List<ConfigResource<?>> resources = applied(BookinfoYaml.BOOKINFO_GATEWAY + "---\n" + BookinfoYaml.RATINGS_DELAY
        + "---\n" + CheckedYaml.virtualService("""
            hosts: [tricky]
            http:
            - match:
              - headers:
                  x-flag: {exact: "yes"}
                  x-version: {exact: "1.10"}
                  x-empty: {exact: ""}
                  x-null: {exact: "null"}
                  x-hash: {exact: "# not a comment"}
                  x-colon: {exact: "a: b"}
              route:
              - destination: {host: tricky}
            """));

    for (String text : List.of(ConfigDocuments.toYaml(resources), ConfigDocuments.toJson(resources))) {
      ConfigStore reread = new ConfigStore(MeshSettings.DEFAULTS, Optional.empty());
      assertThat(reread.apply("out", text, "api")).extracting(ApplyOutcome::action).containsOnly(Action.CREATED);
      assertThat(reread.snapshot().all()).hasSameSizeAs(resources);
      for (ConfigResource<?> r : resources) {
        ConfigResource<?> back = reread.snapshot().get(r.key()).orElseThrow();
        assertThat(back.rawSpec()).isEqualTo(r.rawSpec());
        assertThat(back.spec()).isEqualTo(r.spec());
        assertThat(back.apiVersion()).isEqualTo(r.apiVersion());
      }
    }
  }

  @Test
  void writesJsonListsAsKubectlDoes() {
    List<ConfigResource<?>> resources = applied(BookinfoYaml.REVIEWS_DESTINATION_RULE);

    String json = ConfigDocuments.toJson(resources);

    assertThat(json).startsWith("{").contains("\"kind\" : \"List\"").contains("\"items\" : [");
    assertThat(ConfigDocuments.toJson(resources.get(0))).contains("\"kind\" : \"DestinationRule\"");
    assertThat(ConfigDocuments.toYaml(List.of())).isEmpty();
  }
}
