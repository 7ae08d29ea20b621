package dev.bowline.plugins.ca.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FileCaConfigParserTest {

  private final FileCaFactory factory = new FileCaFactory();

  @Test
  void theTwoFilesAreRequiredAndTheRestHasDefaults() {
    assertThat(factory.parseConfig(Map.of()).errors())
        .extracting(ConfigError::field)
        .containsExactly("certChainFile", "keyFile");

    FileCaConfig config =
        factory
            .parseConfig(Map.of("certChainFile", "ca/chain.pem", "keyFile", "ca/key.pem"))
            .value();

    assertThat(config)
        .isEqualTo(
            new FileCaConfig(
                "cluster.local",
                Path.of("ca/chain.pem"),
                Path.of("ca/key.pem"),
                Optional.empty(),
                Duration.ofHours(24),
                Duration.ofDays(90)));
  }

  @Test
  void readsEveryField() {
    FileCaConfig config =
        factory
            .parseConfig(
                Map.of(
                    "certChainFile",
                    "/etc/ca/chain.pem",
                    "keyFile",
                    "/etc/ca/key.pem",
                    "rootCertFile",
                    "/etc/ca/roots.pem",
                    "trustDomain",
                    "example.org",
                    "defaultTtl",
                    "12h",
                    "maxTtl",
                    "168h"))
            .value();

    assertThat(config)
        .isEqualTo(
            new FileCaConfig(
                "example.org",
                Path.of("/etc/ca/chain.pem"),
                Path.of("/etc/ca/key.pem"),
                Optional.of(Path.of("/etc/ca/roots.pem")),
                Duration.ofHours(12),
                Duration.ofDays(7)));
  }

  static List<Object[]> badFields() {
    return List.of(
        new Object[] {"certChainFile", 3, "must be the path of a PEM file"},
        new Object[] {"keyFile", "", "must be the path of a PEM file"},
        new Object[] {"rootCertFile", List.of("a.pem"), "must be the path of a PEM file"},
        new Object[] {"trustDomain", "UPPER", "lowercase"},
        new Object[] {"defaultTtl", "1d", "positive duration"},
        new Object[] {"maxTtl", "forever", "positive duration"},
        new Object[] {"keyPassword", "secret", "unknown field"});
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void aBadFieldIsAnErrorNamingIt(String field, Object value, String message) {
    Map<String, Object> raw =
        new java.util.HashMap<>(Map.of("certChainFile", "c.pem", "keyFile", "k.pem"));
    raw.put(field, value);

    ConfigOrError<FileCaConfig> result = factory.parseConfig(raw);

    assertThat(result.errors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.field()).isEqualTo(field);
              assertThat(error.message()).contains(message);
            });
  }
}
