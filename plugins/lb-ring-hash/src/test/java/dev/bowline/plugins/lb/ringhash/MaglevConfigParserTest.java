package dev.bowline.plugins.lb.ringhash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MaglevConfigParserTest {

  private final MaglevLoadBalancerFactory factory = new MaglevLoadBalancerFactory();

  @Test
  void anEmptyConfigurationGivesEnvoysDefaultTable() {
    assertThat(factory.parseConfig(Map.of()).value())
        .isEqualTo(new MaglevConfig(65_537))
        .isEqualTo(MaglevConfig.DEFAULT);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 251, 65_521, 65_537, 1_000_003, 5_000_011})
  void acceptsPrimes(int prime) {
    assertThat(factory.parseConfig(Map.of("tableSize", prime)).value().tableSize())
        .isEqualTo(prime);
  }

  @Test
  void acceptsAWholeNumberOfAnotherType() {
    assertThat(factory.parseConfig(Map.of("tableSize", 251.0)).value().tableSize()).isEqualTo(251);
    assertThat(factory.parseConfig(Map.of("tableSize", BigInteger.valueOf(251))).value())
        .isEqualTo(new MaglevConfig(251));
  }

  @Test
  void aSizeThatIsNotPrimeIsAnErrorNamingTheNearestPrimes() {
    assertThat(factory.parseConfig(Map.of("tableSize", 65_536)).describeErrors())
        .isEqualTo("tableSize: must be a prime number, not 65536;"
            + " the nearest primes are 65521 and 65537");
    assertThat(factory.parseConfig(Map.of("tableSize", 4)).describeErrors())
        .isEqualTo("tableSize: must be a prime number, not 4; the nearest primes are 3 and 5");
    assertThat(factory.parseConfig(Map.of("tableSize", 5_000_010)).describeErrors())
        .endsWith("the nearest primes are 4999999 and 5000011");
  }

  static List<Object> badSizes() {
    return List.of(0, 1, -7, 5_000_012, 6_000_000, 65_537.5, Double.NaN, "65537", false,
        List.of(), Map.of());
  }

  @ParameterizedTest
  @MethodSource("badSizes")
  void rejectsASizeOutOfRangeOrOfTheWrongType(Object value) {
    ConfigOrError<MaglevConfig> result = factory.parseConfig(Map.of("tableSize", value));

    assertThat(result.errors()).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("tableSize");
      assertThat(error.message()).startsWith("must be a whole number from 2 to 5000011, not ");
    });
  }

  @Test
  void rejectsUnknownFieldsByName() {
    ConfigOrError<MaglevConfig> result =
        factory.parseConfig(Map.of("table_size", 7, "tableSize", 10));

    assertThat(result.errors())
        .extracting(ConfigError::toString)
        .containsExactly(
            "table_size: unknown field; known fields are tableSize",
            "tableSize: must be a prime number, not 10; the nearest primes are 7 and 11");
  }

  @Test
  void theConfigRecordRejectsASizeThatIsNotAnAllowedPrime() {
    for (int size : new int[] {0, 1, 9, 65_536, 5_000_111}) {
      assertThatThrownBy(() -> new MaglevConfig(size))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tableSize " + size);
    }
  }

  @Test
  void knowsWhichNumbersArePrime() {
    for (long n = -2; n < 20_000; n++) {
      assertThat(MaglevConfig.isPrime(n)).as("%s", n).isEqualTo(isProbablePrime(n));
    }
    for (long n = 4_999_000; n <= 5_000_011; n++) {
      assertThat(MaglevConfig.isPrime(n)).as("%s", n).isEqualTo(isProbablePrime(n));
    }
  }

  private static boolean isProbablePrime(long n) {
    return n >= 2 && BigInteger.valueOf(n).isProbablePrime(60);
  }
}
