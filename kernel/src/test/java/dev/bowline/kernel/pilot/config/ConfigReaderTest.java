package dev.bowline.kernel.pilot.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.istio.DestinationRule;
import dev.bowline.kernel.pilot.istio.PeerAuthentication;
import dev.bowline.kernel.pilot.istio.VirtualService;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigReaderTest {

  private static ReadDocument only(String text) {
    ConfigReader.Result r = ConfigReader.read("test.yaml", text);
    assertThat(r.syntaxError()).isEmpty();
    assertThat(r.documents()).hasSize(1);
    return r.documents().get(0);
  }

  private static List<String> errors(String text) {
    return only(text).errors().stream().map(Problem::toString).toList();
  }

  @Test
  void readsTheBookinfoReviewsVirtualServiceIntoItsTypedSpec() {
    ReadDocument doc = only(BookinfoYaml.REVIEWS_VIRTUAL_SERVICE);

    assertThat(doc.errors()).isEmpty();
    assertThat(doc.key()).isEqualTo(new ConfigKey(ConfigKind.VIRTUAL_SERVICE, "default", "reviews"));
    assertThat(doc.apiVersion()).isEqualTo("networking.istio.io/v1");
    VirtualService vs = (VirtualService) doc.spec();
    assertThat(vs.hosts()).containsExactly("reviews");
    assertThat(vs.http()).hasSize(2);
    assertThat(vs.http().get(0).match().get(0).headers().get("end-user").exact()).isEqualTo("jason");
    assertThat(vs.http().get(0).route().get(0).destination().subset()).isEqualTo("v2");
    assertThat(doc.rawSpec().get("hosts").get(0).asText()).isEqualTo("reviews");
  }

  @Test
  void readsEveryDocumentOfAStreamAndSkipsEmptyOnes() {
    String text = "---\n" + BookinfoYaml.REVIEWS_VIRTUAL_SERVICE + "---\n---\n# nothing here\n---\n"
        + BookinfoYaml.REVIEWS_DESTINATION_RULE + "---\n";

    ConfigReader.Result r = ConfigReader.read("bookinfo.yaml", text);

    assertThat(r.syntaxError()).isEmpty();
    assertThat(r.documents()).extracting(ReadDocument::key).containsExactly(
        new ConfigKey(ConfigKind.VIRTUAL_SERVICE, "default", "reviews"),
        new ConfigKey(ConfigKind.DESTINATION_RULE, "default", "reviews"));
    assertThat(r.documents().get(1).document()).startsWith("bookinfo.yaml (document ");
    assertThat(((DestinationRule) r.documents().get(1).spec()).subsets()).extracting(DestinationRule.Subset::name)
        .containsExactly("v1", "v2", "v3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"})
  void acceptsEveryNetworkingVersion(String apiVersion) {
    ReadDocument doc = only(BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("networking.istio.io/v1", apiVersion));

    assertThat(doc.errors()).isEmpty();
    assertThat(doc.apiVersion()).isEqualTo(apiVersion);
  }

  @ParameterizedTest
  @ValueSource(strings = {"security.istio.io/v1", "security.istio.io/v1beta1"})
  void acceptsEverySecurityVersion(String apiVersion) {
    ReadDocument doc = only("apiVersion: " + apiVersion + "\nkind: PeerAuthentication\n"
        + "metadata: {name: default, namespace: istio-system}\nspec:\n  mtls:\n    mode: STRICT\n");

    assertThat(doc.errors()).isEmpty();
    assertThat(doc.spec()).isInstanceOf(PeerAuthentication.class);
    assertThat(((PeerAuthentication) doc.spec()).mtls().mode()).isEqualTo("STRICT");
  }

  @Test
  void refusesAVersionTheKindDoesNotHave() {
    assertThat(errors(BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("networking.istio.io/v1", "security.istio.io/v1")))
        .containsExactly("apiVersion: \"security.istio.io/v1\" is not accepted for DestinationRule (use "
            + "networking.istio.io/v1, networking.istio.io/v1beta1, networking.istio.io/v1alpha3)");
    assertThat(errors(BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("networking.istio.io/v1", "networking.istio.io/v2")))
        .singleElement().asString().startsWith("apiVersion: \"networking.istio.io/v2\" is not accepted");
  }

  @Test
  void readsJsonAsWellAsYaml() {
    ReadDocument doc = only("""
        {"apiVersion": "networking.istio.io/v1beta1", "kind": "DestinationRule",
         "metadata": {"name": "ratings", "namespace": "prod", "labels": {"app": "ratings"}},
         "spec": {"host": "ratings", "trafficPolicy": {"loadBalancer": {"simple": "LEAST_REQUEST"}}}}
        """);

    assertThat(doc.errors()).isEmpty();
    assertThat(doc.key()).isEqualTo(new ConfigKey(ConfigKind.DESTINATION_RULE, "prod", "ratings"));
    assertThat(doc.labels()).containsEntry("app", "ratings");
    assertThat(((DestinationRule) doc.spec()).trafficPolicy().loadBalancer().simple()).isEqualTo("LEAST_REQUEST");
  }

  @Test
  void readsTheItemsOfAList() {
    String list = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: a}
          spec: {host: a}
        - apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: b}
          spec: {host: b}
        """;

    ConfigReader.Result r = ConfigReader.read("list.yaml", list);

    assertThat(r.documents()).extracting(d -> d.key().name()).containsExactly("a", "b");
    assertThat(r.documents().get(1).document()).isEqualTo("list.yaml item 2");
  }

  @Test
  void namesTheFullPathOfAnUnknownField() {
    String text = BookinfoYaml.REVIEWS_VIRTUAL_SERVICE.replace("        host: reviews\n        subset: v1",
        "        hots: reviews\n        subset: v1");

    assertThat(errors(text)).containsExactly("spec.http[1].route[0].destination.hots: unknown field (did you mean \"host\"?)");
  }

  @Test
  void reportsEveryUnknownFieldNotOnlyTheFirst() {
    String text = CheckedYaml.virtualService("""
        hosts: [reviews]
        htp: []
        http:
        - route:
          - destination: {host: reviews, port: {numbr: 9080}}
            wieght: 100
        """);

    assertThat(errors(text)).containsExactlyInAnyOrder(
        "spec.htp: unknown field (did you mean \"http\"?)",
        "spec.http[0].route[0].destination.port.numbr: unknown field (did you mean \"number\"?)",
        "spec.http[0].route[0].wieght: unknown field (did you mean \"weight\"?)");
  }

  @Test
  void namesTypeMismatchesWithWhatWasExpectedAndFound() {
    assertThat(errors(CheckedYaml.virtualService("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
            weight: fifty
        """))).containsExactly("spec.http[0].route[0].weight: expected a whole number, found a string (\"fifty\")");
    assertThat(errors(CheckedYaml.virtualService("hosts: reviews\n")))
        .containsExactly("spec.hosts: expected a list, found a string (\"reviews\")");
    assertThat(errors(CheckedYaml.virtualService("hosts: [reviews]\nhttp: {route: []}\n")))
        .containsExactly("spec.http: expected a list, found a mapping");
    assertThat(errors(CheckedYaml.virtualService("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
            weight: 50.5
        """))).containsExactly("spec.http[0].route[0].weight: expected a whole number, found a number (50.5)");
    assertThat(errors(CheckedYaml.virtualService("""
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
            weight: 99999999999
        """))).singleElement().asString().startsWith("spec.http[0].route[0].weight: number out of range");
  }

  @Test
  void refusesYamlsSilentConversionsOfUnquotedValuesToStrings() {
    assertThat(errors(CheckedYaml.virtualService("""
        hosts: [reviews]
        http:
        - match:
          - headers:
              x-beta:
                exact: yes
          route:
          - destination: {host: reviews}
        """))).containsExactly("spec.http[0].match[0].headers.x-beta.exact: expected a string, found a boolean"
            + " (true); quote the value so YAML reads it as a string");
    assertThat(errors(BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("version: v1", "version: 1.10")))
        .containsExactly("spec.subsets[0].labels.version: expected a string, found a number (1.1); quote the"
            + " value so YAML reads it as a string");
  }

  @Test
  void refusesNullEntriesInListsAndMaps() {
    assertThat(errors(CheckedYaml.virtualService("""
        hosts: [reviews]
        http:
        - match:
          - headers:
              end-user:
          route:
          - destination: {host: reviews}
        """))).containsExactly(
            "spec.http[0].match[0]: null is not allowed in a list or map here (write {} for an empty entry)");
  }

  @Test
  void requiresIdentityAndSpec() {
    assertThat(errors("kind: VirtualService\nmetadata: {name: a}\nspec: {hosts: [a]}\n"))
        .containsExactly("apiVersion: required");
    assertThat(errors("apiVersion: networking.istio.io/v1\nmetadata: {name: a}\nspec: {}\n"))
        .containsExactly("kind: required");
    assertThat(errors("apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec: {hosts: [a]}\n"))
        .containsExactly("metadata: required");
    assertThat(errors("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {namespace: a}\n"
        + "spec: {hosts: [a]}\n")).containsExactly("metadata.name: required");
    assertThat(errors("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: a}\n"))
        .containsExactly("spec: required (write spec: {} for an empty spec)");
    assertThat(errors("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: a}\nspec: [a]\n"))
        .containsExactly("spec: expected a mapping, found a list");
    assertThat(only("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {namespace: a}\n"
        + "spec: {host: a}\n").key()).isNull();
  }

  @Test
  void refusesNamesThatAreNotDns1123() {
    assertThat(errors(BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: reviews", "name: Reviews_V1")))
        .singleElement().asString().startsWith("metadata.name: \"Reviews_V1\" is not a valid name");
    assertThat(errors(BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: reviews", "name: reviews\n  namespace: Prod")))
        .singleElement().asString().startsWith("metadata.namespace: \"Prod\" is not a valid namespace");
  }

  @Test
  void refusesKindsItDoesNotStoreButStillNamesTheDocument() {
    ReadDocument doc = only("apiVersion: v1\nkind: Service\nmetadata: {name: reviews}\nspec: {ports: []}\n");

    assertThat(doc.key()).isNull();
    assertThat(doc.kind()).isEqualTo("Service");
    assertThat(doc.name()).isEqualTo("reviews");
    assertThat(doc.errors()).singleElement().asString()
        .startsWith("kind: \"Service\" is not a kind Bowline stores (VirtualService, DestinationRule,");
  }

  @Test
  void ignoresStatusAndOtherMetadataButNotUnknownTopLevelFields() {
    ReadDocument doc = only("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
          namespace: bookinfo
          labels: {app: reviews}
          annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}
          resourceVersion: "12345"
          uid: 0b7e4a0c-1f0e-4e8c-9a77-1d2f3c4b5a69
          generation: 3
          creationTimestamp: "2024-01-01T00:00:00Z"
        spec:
          host: reviews
        status:
          observedGeneration: 3
        """);

    assertThat(doc.errors()).isEmpty();
    assertThat(doc.key()).isEqualTo(new ConfigKey(ConfigKind.DESTINATION_RULE, "bookinfo", "reviews"));
    assertThat(doc.labels()).containsOnlyKeys("app");
    assertThat(errors(BookinfoYaml.REVIEWS_DESTINATION_RULE + "specs: {}\n"))
        .containsExactly("specs: unknown field (a resource has apiVersion, kind, metadata and spec)");
  }

  @Test
  void checksLabels() {
    assertThat(errors(BookinfoYaml.REVIEWS_DESTINATION_RULE.replace("name: reviews",
        "name: reviews\n  labels: {app: reviews, \"bad key!\": x, version: 2}")))
        .containsExactlyInAnyOrder(
            "metadata.labels[\"bad key!\"]: label key \"bad key!\" must be at most 63 letters, digits, '-', '_' or"
                + " '.', starting and ending with a letter or digit, optionally after a DNS prefix and '/'",
            "metadata.labels.version: expected a string, found a number (2); quote the value so YAML reads it as"
                + " a string");
  }

  @Test
  void reportsASyntaxErrorWithItsLineAndReadsNothing() {
    ConfigReader.Result r = ConfigReader.read("broken.yaml",
        BookinfoYaml.REVIEWS_DESTINATION_RULE + "---\napiVersion: networking.istio.io/v1\nkind: [unclosed\n");

    assertThat(r.documents()).isEmpty();
    assertThat(r.syntaxError()).get().asString().startsWith("not valid YAML or JSON at line ")
        .doesNotContain("^").doesNotContain("in 'reader'").doesNotContain("\n");
  }

  @Test
  void refusesDuplicateKeys() {
    ConfigReader.Result r = ConfigReader.read("dup.yaml",
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: a}\nspec:\n  host: a\n  host: b\n");

    assertThat(r.syntaxError()).get().asString()
        .startsWith("not valid YAML or JSON at line 6, column ")
        .endsWith(": duplicate key 'host'");
  }

  @Test
  void keepsTheSpecAsWrittenAndBindsFaults() {
    ReadDocument doc = only(BookinfoYaml.RATINGS_DELAY);

    assertThat(doc.errors()).isEmpty();
    assertThat(doc.rawSpec().at("/http/0/fault/delay/fixedDelay").asText()).isEqualTo("7s");
    assertThat(((VirtualService) doc.spec()).http().get(0).fault().delay().percentage().value())
        .isEqualTo(100.0);
  }
}
