package dev.bowline.plugins.ca.selfsigned;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SelfSignedCaConfigParserTest {

  private final SelfSignedCaFactory factory = new SelfSignedCaFactory();

  @Test
  void anEmptyConfigurationGivesTheDefaults() {
    SelfSignedCaConfig config = factory.parseConfig(Map.of()).value();

    assertThat(config).isEqualTo(SelfSignedCaConfig.DEFAULT);
    assertThat(config.trustDomain()).isEqualTo("cluster.local");
    assertThat(config.defaultTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(config.maxTtl()).isEqualTo(Duration.ofDays(90));
    assertThat(config.keyAlgorithm()).isEqualTo(KeyAlgorithm.EC);
    assertThat(config.intermediate()).isFalse();
  }

  @Test
  void readsEveryField() {
    SelfSignedCaConfig config =
        factory
            .parseConfig(
                Map.of(
                    "trustDomain",
                    "prod.example.com",
                    "defaultTtl",
                    "1h30m",
                    "maxTtl",
                    "720h",
                    "keyAlgorithm",
                    "RSA",
                    "intermediate",
                    true))
            .value();

    assertThat(config)
        .isEqualTo(
            new SelfSignedCaConfig(
                "prod.example.com",
                Duration.ofMinutes(90),
                Duration.ofDays(30),
                KeyAlgorithm.RSA,
                true));
  }

  static List<Object[]> badFields() {
    return List.of(
        new Object[] {"trustDomain", "Cluster.Local", "lowercase"},
        new Object[] {"trustDomain", 5, "must be a string"},
        new Object[] {"defaultTtl", "24 hours", "positive duration such as 24h"},
        new Object[] {"defaultTtl", "0s", "positive duration"},
        new Object[] {"defaultTtl", 86400, "positive duration"},
        new Object[] {"maxTtl", "-1h", "positive duration"},
        new Object[] {"keyAlgorithm", "DSA", "must be EC or RSA"},
        new Object[] {"keyAlgorithm", "ec", "must be EC or RSA"},
        new Object[] {"intermediate", "yes", "true or false"},
        new Object[] {"rootTtl", "87600h", "unknown field"});
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void aBadFieldIsAnErrorNamingIt(String field, Object value, String message) {
    ConfigOrError<SelfSignedCaConfig> result = factory.parseConfig(Map.of(field, value));

    assertThat(result.isOk()).isFalse();
    assertThat(result.errors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.field()).isEqualTo(field);
              assertThat(error.message()).contains(message);
            });
  }

  @Test
  void maxTtlMustNotBeShorterThanDefaultTtl() {
    ConfigOrError<SelfSignedCaConfig> result =
        factory.parseConfig(Map.of("defaultTtl", "48h", "maxTtl", "24h"));

    assertThat(result.errors()).extracting(ConfigError::field).containsExactly("maxTtl");
  }

  @Test
  void reportsEveryErrorAtOnce() {
    ConfigOrError<SelfSignedCaConfig> result =
        factory.parseConfig(Map.of("trustDomain", "", "keyAlgorithm", "EdDSA", "extra", 1));

    assertThat(result.errors())
        .extracting(ConfigError::field)
        .containsExactlyInAnyOrder("trustDomain", "keyAlgorithm", "extra");
  }
}
