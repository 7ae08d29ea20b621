package dev.bowline.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code lb_policy: RING_HASH} and {@code MAGLEV}: the balancers and their configuration. */
class HashBalancerConfigTest {

  private static Cluster cluster(String yaml) {
    return TestProtos.yaml("name: c\n" + yaml, Cluster.newBuilder());
  }

  private static ClusterConfig translate(String yaml) throws ConfigException {
    return ClusterTranslator.translate(cluster(yaml), "clusters[0]");
  }

  private static java.util.List<String> problems(String yaml) {
    return catchThrowableOfType(ConfigException.class, () -> translate(yaml)).problems();
  }

  @Test
  void ringHashBecomesTheRingHashBalancerWithItsSizes() throws Exception {
    ClusterConfig config =
        translate(
            """
            lb_policy: RING_HASH
            ring_hash_lb_config: {minimum_ring_size: 2048, maximum_ring_size: 4096, hash_function: XX_HASH}
            """);

    assertThat(config.lbPolicy()).isEqualTo("bowline.lb.ring_hash");
    assertThat(config.lbConfig()).isEqualTo(Map.of("minimumRingSize", 2048, "maximumRingSize", 4096));
  }

  @Test
  void istiosRingHashAndBareRingHashTakeTheBalancersDefaults() throws Exception {
    // Istio writes the minimum only (1024 unless the DestinationRule says otherwise).
    assertThat(translate("lb_policy: RING_HASH\nring_hash_lb_config: {minimum_ring_size: 1024}").lbConfig())
        .isEqualTo(Map.of("minimumRingSize", 1024));
    assertThat(translate("lb_policy: RING_HASH").lbConfig()).isEmpty();
  }

  @Test
  void murmurHash2IsPassedToTheRingHashBalancer() throws Exception {
    ClusterConfig config =
        translate(
            """
            lb_policy: RING_HASH
            ring_hash_lb_config: {minimum_ring_size: 2048, hash_function: MURMUR_HASH_2}
            """);

    assertThat(config.lbConfig())
        .isEqualTo(Map.of("minimumRingSize", 2048, "hashFunction", "MURMUR_HASH_2"));
  }

  @Test
  void maglevBecomesTheMaglevBalancerWithItsTableSize() throws Exception {
    ClusterConfig config = translate("lb_policy: MAGLEV\nmaglev_lb_config: {table_size: 65537}");

    assertThat(config.lbPolicy()).isEqualTo("bowline.lb.maglev");
    assertThat(config.lbConfig()).isEqualTo(Map.of("tableSize", 65537));
    assertThat(translate("lb_policy: MAGLEV").lbConfig()).isEmpty();
  }

  @Test
  void badRingSettingsAreReportedWithTheirPaths() {
    assertThat(
            problems(
                """
                lb_policy: RING_HASH
                ring_hash_lb_config: {minimum_ring_size: 0, maximum_ring_size: 9000000, hash_function: 7}
                """))
        .containsExactly(
            "clusters[0].ring_hash_lb_config.hash_function: unknown value 7 (XX_HASH or"
                + " MURMUR_HASH_2)",
            "clusters[0].ring_hash_lb_config.minimum_ring_size: must be from 1 to 8388608, not 0",
            "clusters[0].ring_hash_lb_config.maximum_ring_size: must be from 1 to 8388608, not"
                + " 9000000");
    assertThat(
            problems(
                "lb_policy: RING_HASH\nring_hash_lb_config: {minimum_ring_size: 4096, maximum_ring_size: 2048}"))
        .containsExactly(
            "clusters[0].ring_hash_lb_config.maximum_ring_size: must not be less than"
                + " minimum_ring_size (4096), is 2048");
    assertThat(problems("lb_policy: RING_HASH\nring_hash_lb_config: {maximum_ring_size: 512}"))
        .containsExactly(
            "clusters[0].ring_hash_lb_config.maximum_ring_size: must not be less than"
                + " minimum_ring_size (1024, the default), is 512");
  }

  @Test
  void aMaglevTableMustBeAPrimeWithinEnvoysLimit() {
    assertThat(problems("lb_policy: MAGLEV\nmaglev_lb_config: {table_size: 65536}"))
        .containsExactly(
            "clusters[0].maglev_lb_config.table_size: must be a prime number (Envoy's default is"
                + " 65537), not 65536");
    assertThat(problems("lb_policy: MAGLEV\nmaglev_lb_config: {table_size: 5000012}"))
        .containsExactly("clusters[0].maglev_lb_config.table_size: must be from 1 to 5000011, not 5000012");
  }

  @Test
  void aHashingConfigurationNeedsItsPolicy() {
    assertThat(problems("lb_policy: ROUND_ROBIN\nring_hash_lb_config: {minimum_ring_size: 1024}"))
        .containsExactly("clusters[0].ring_hash_lb_config: only for lb_policy RING_HASH");
    assertThat(problems("lb_policy: RING_HASH\nmaglev_lb_config: {table_size: 65537}"))
        .containsExactly("clusters[0].maglev_lb_config: only for lb_policy MAGLEV");
    assertThat(problems("lb_policy: MAGLEV\nleast_request_lb_config: {choice_count: 3}"))
        .containsExactly("clusters[0].least_request_lb_config: only for lb_policy LEAST_REQUEST");
  }
}
