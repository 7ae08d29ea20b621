package dev.bowline.plugins.lb.leastrequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LeastRequestConfigParserTest {

  private final LeastRequestLoadBalancerFactory factory = new LeastRequestLoadBalancerFactory();

  @Test
  void anEmptyConfigurationGivesEnvoysDefaults() {
    ConfigOrError<LeastRequestConfig> result = factory.parseConfig(Map.of());

    assertThat(result.value()).isEqualTo(new LeastRequestConfig(2, 1.0));
    assertThat(result.value()).isEqualTo(LeastRequestConfig.DEFAULT);
  }

  @Test
  void readsBothFields() {
    ConfigOrError<LeastRequestConfig> result =
        factory.parseConfig(Map.of("choiceCount", 3, "activeRequestBias", 0.5));

    assertThat(result.value()).isEqualTo(new LeastRequestConfig(3, 0.5));
  }

  static List<Object> wholeNumbers() {
    return List.of(5, 5L, (short) 5, 5.0, 5.0f, new BigDecimal("5.00"), BigInteger.valueOf(5));
  }

  @ParameterizedTest
  @MethodSource("wholeNumbers")
  void acceptsAChoiceCountOfAnyNumericTypeThatIsWhole(Object value) {
    assertThat(factory.parseConfig(Map.of("choiceCount", value)).value().choiceCount()).isEqualTo(5);
  }

  @Test
  void acceptsAnIntegerBiasAndBiasZero() {
    assertThat(factory.parseConfig(Map.of("activeRequestBias", 2)).value().activeRequestBias())
        .isEqualTo(2.0);
    assertThat(factory.parseConfig(Map.of("activeRequestBias", 0)).value().activeRequestBias())
        .isZero();
  }

  @Test
  void aNullValueMeansTheDefault() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("choiceCount", null);

    assertThat(factory.parseConfig(raw).value()).isEqualTo(LeastRequestConfig.DEFAULT);
  }

  static List<Object> badChoiceCounts() {
    return List.of(1, 0, -2, 101, Long.MAX_VALUE, 2.5, Double.NaN, Double.POSITIVE_INFINITY,
        "2", true, List.of(2), Map.of("value", 2), new BigDecimal("1e30"));
  }

  @ParameterizedTest
  @MethodSource("badChoiceCounts")
  void rejectsABadChoiceCountNamingTheField(Object value) {
    ConfigOrError<LeastRequestConfig> result = factory.parseConfig(Map.of("choiceCount", value));

    assertThat(result.isOk()).isFalse();
    assertThat(result.errors()).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("choiceCount");
      assertThat(error.message()).contains("whole number from 2 to 100");
    });
  }

  static List<Object> badBiases() {
    return List.of(-0.1, -1, Double.NaN, Double.POSITIVE_INFINITY, "1.0", false, Map.of());
  }

  @ParameterizedTest
  @MethodSource("badBiases")
  void rejectsABadBiasNamingTheField(Object value) {
    ConfigOrError<LeastRequestConfig> result =
        factory.parseConfig(Map.of("activeRequestBias", value));

    assertThat(result.errors()).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("activeRequestBias");
      assertThat(error.message()).contains("finite number at least 0");
    });
  }

  @Test
  void aStringIsQuotedInTheMessage() {
    ConfigOrError<LeastRequestConfig> result = factory.parseConfig(Map.of("choiceCount", "two"));

    assertThat(result.describeErrors())
        .isEqualTo("choiceCount: must be a whole number from 2 to 100, not the string \"two\"");
  }

  @Test
  void rejectsUnknownFieldsByName() {
    ConfigOrError<LeastRequestConfig> result =
        factory.parseConfig(Map.of("choice_count", 2, "slowStartConfig", Map.of()));

    assertThat(result.errors())
        .extracting(ConfigError::field)
        .containsExactly("choice_count", "slowStartConfig");
    assertThat(result.errors())
        .allSatisfy(error -> assertThat(error.message())
            .isEqualTo("unknown field; known fields are activeRequestBias, choiceCount"));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    ConfigOrError<LeastRequestConfig> result =
        factory.parseConfig(Map.of("choiceCount", 1, "activeRequestBias", -1, "extra", 0));

    assertThat(result.errors())
        .extracting(ConfigError::field)
        .containsExactly("extra", "choiceCount", "activeRequestBias");
  }

  @Test
  void theConfigRecordRejectsOutOfRangeValuesItself() {
    assertThatThrownBy(() -> new LeastRequestConfig(1, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("choiceCount");
    assertThatThrownBy(() -> new LeastRequestConfig(2, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("activeRequestBias");
  }
}
