package dev.bowline.plugins.lb.ringhash;

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

class RingHashConfigParserTest {

  private final RingHashLoadBalancerFactory factory = new RingHashLoadBalancerFactory();

  @Test
  void anEmptyConfigurationGivesEnvoysDefaults() {
    ConfigOrError<RingHashConfig> result = factory.parseConfig(Map.of());

    assertThat(result.value())
        .isEqualTo(new RingHashConfig(1024, 8_388_608, HashFunction.XX_HASH))
        .isEqualTo(RingHashConfig.DEFAULT);
  }

  @Test
  void readsEveryField() {
    ConfigOrError<RingHashConfig> result =
        factory.parseConfig(
            Map.of(
                "minimumRingSize", 2048,
                "maximumRingSize", 4096,
                "hashFunction", "MURMUR_HASH_2"));

    assertThat(result.value())
        .isEqualTo(new RingHashConfig(2048, 4096, HashFunction.MURMUR_HASH_2));
  }

  @Test
  void acceptsTheExtremesAndEqualSizes() {
    assertThat(factory.parseConfig(Map.of("minimumRingSize", 1, "maximumRingSize", 1)).value())
        .isEqualTo(new RingHashConfig(1, 1, HashFunction.XX_HASH));
    assertThat(factory.parseConfig(Map.of("minimumRingSize", 8_388_608)).value().minimumRingSize())
        .isEqualTo(8_388_608);
  }

  static List<Object> wholeNumbers() {
    return List.of(4096, 4096L, (short) 4096, 4096.0, 4096.0f, new BigDecimal("4096.00"),
        BigInteger.valueOf(4096));
  }

  @ParameterizedTest
  @MethodSource("wholeNumbers")
  void acceptsASizeOfAnyNumericTypeThatIsWhole(Object value) {
    assertThat(factory.parseConfig(Map.of("minimumRingSize", value)).value().minimumRingSize())
        .isEqualTo(4096);
    assertThat(factory.parseConfig(Map.of("maximumRingSize", value)).value().maximumRingSize())
        .isEqualTo(4096);
  }

  @Test
  void aNullValueMeansTheDefault() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("minimumRingSize", null);
    raw.put("hashFunction", null);

    assertThat(factory.parseConfig(raw).value()).isEqualTo(RingHashConfig.DEFAULT);
  }

  static List<Object> badSizes() {
    return List.of(0, -1, 8_388_609, Long.MAX_VALUE, 2.5, Double.NaN, Double.NEGATIVE_INFINITY,
        "1024", true, List.of(1024), Map.of("value", 1024), new BigDecimal("1e30"));
  }

  @ParameterizedTest
  @MethodSource("badSizes")
  void rejectsABadMinimumNamingTheField(Object value) {
    ConfigOrError<RingHashConfig> result = factory.parseConfig(Map.of("minimumRingSize", value));

    assertThat(result.isOk()).isFalse();
    assertThat(result.errors()).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("minimumRingSize");
      assertThat(error.message()).startsWith("must be a whole number from 1 to 8388608, not ");
    });
  }

  @ParameterizedTest
  @MethodSource("badSizes")
  void rejectsABadMaximumNamingTheField(Object value) {
    ConfigOrError<RingHashConfig> result = factory.parseConfig(Map.of("maximumRingSize", value));

    assertThat(result.errors()).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("maximumRingSize");
      assertThat(error.message()).startsWith("must be a whole number from 1 to 8388608, not ");
    });
  }

  @Test
  void aMinimumAboveTheMaximumIsAnErrorOnTheMinimum() {
    ConfigOrError<RingHashConfig> result =
        factory.parseConfig(Map.of("minimumRingSize", 2048, "maximumRingSize", 1024));

    assertThat(result.describeErrors())
        .isEqualTo("minimumRingSize: must not be greater than maximumRingSize (1024), not 2048");
  }

  @Test
  void aMaximumBelowTheDefaultMinimumIsAnErrorOnTheMaximum() {
    ConfigOrError<RingHashConfig> result = factory.parseConfig(Map.of("maximumRingSize", 512));

    assertThat(result.describeErrors())
        .isEqualTo(
            "maximumRingSize: must be at least minimumRingSize (1024, the default), not 512");
  }

  @Test
  void rejectsAnUnknownHashFunctionListingTheKnownOnes() {
    assertThat(factory.parseConfig(Map.of("hashFunction", "xx_hash")).describeErrors())
        .isEqualTo(
            "hashFunction: must be one of XX_HASH, MURMUR_HASH_2, not the string \"xx_hash\"");
    assertThat(factory.parseConfig(Map.of("hashFunction", 1)).describeErrors())
        .isEqualTo("hashFunction: must be one of XX_HASH, MURMUR_HASH_2, not 1");
  }

  @Test
  void aStringSizeIsQuotedInTheMessage() {
    assertThat(factory.parseConfig(Map.of("minimumRingSize", "big")).describeErrors())
        .isEqualTo(
            "minimumRingSize: must be a whole number from 1 to 8388608, not the string \"big\"");
  }

  @Test
  void rejectsUnknownFieldsByName() {
    ConfigOrError<RingHashConfig> result =
        factory.parseConfig(Map.of("minimum_ring_size", 2, "useHostnameForHashing", true));

    assertThat(result.errors())
        .extracting(ConfigError::field)
        .containsExactly("minimum_ring_size", "useHostnameForHashing");
    assertThat(result.errors())
        .allSatisfy(error -> assertThat(error.message())
            .isEqualTo("unknown field; known fields are hashFunction, maximumRingSize,"
                + " minimumRingSize"));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    ConfigOrError<RingHashConfig> result =
        factory.parseConfig(
            Map.of("minimumRingSize", 0, "maximumRingSize", -3, "hashFunction", "MD5", "extra", 0));

    assertThat(result.errors())
        .extracting(ConfigError::field)
        .containsExactly("extra", "minimumRingSize", "maximumRingSize", "hashFunction");
  }

  @Test
  void theConfigRecordRejectsBadValuesItself() {
    assertThatThrownBy(() -> new RingHashConfig(0, 10, HashFunction.XX_HASH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minimumRingSize");
    assertThatThrownBy(() -> new RingHashConfig(1, 8_388_609, HashFunction.XX_HASH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maximumRingSize");
    assertThatThrownBy(() -> new RingHashConfig(20, 10, HashFunction.XX_HASH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds");
    assertThatThrownBy(() -> new RingHashConfig(1, 10, null))
        .isInstanceOf(NullPointerException.class);
  }
}
