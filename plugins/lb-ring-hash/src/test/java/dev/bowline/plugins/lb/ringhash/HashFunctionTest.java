package dev.bowline.plugins.lb.ringhash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Known values: Envoy's own hash tests ({@code foo}, {@code bar}, {@code foo\nbar}, {@code lyft},
 * the empty string) and, for longer inputs and seed 1, the reference xxHash library and GNU
 * libstdc++'s {@code std::hash<std::string>}. Unsigned values are written in decimal.
 */
class HashFunctionTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      foo                                          | 3728699739546630719  | 14071536367944281277
      bar                                          | 5234164152756840025  | 7333723550717575792
      lyft                                         | 4400747396090729504  | 81692559072577057
      ""                                           | 17241709254077376921 | 15397730242686860875
      10.0.0.1:8080                                | 14670231106277521029 | 1007937632875426856
      10.0.0.1:8080_0                              | 2567785056460330147  | 1339567776095442179
      [fd00::1]:8080_12345                         | 8690083076266722150  | 5846004934108823726
      the quick brown fox jumps over the lazy dog  | 17109529249484220306 | 6144221730223242619
      0123456789abcdef0123456789abcdef0            | 16750722032750888982 | 8227518102116468759
      """)
  void xxHash64MatchesTheReference(String input, String seed0, String seed1) {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);

    assertThat(XxHash64.hash(bytes, bytes.length, 0)).isEqualTo(Long.parseUnsignedLong(seed0));
    assertThat(XxHash64.hash(bytes, bytes.length, 1)).isEqualTo(Long.parseUnsignedLong(seed1));
    assertThat(HashFunction.XX_HASH.hash(bytes, bytes.length))
        .isEqualTo(Long.parseUnsignedLong(seed0));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      foo                                          | 9631199822919835226
      bar                                          | 11474628671133349555
      lyft                                         | 12847078931730529320
      ""                                           | 6142509188972423790
      10.0.0.1:8080                                | 15748839866900676383
      10.0.0.1:8080_0                              | 2887472326060304709
      [fd00::1]:8080_12345                         | 10926334882094890670
      the quick brown fox jumps over the lazy dog  | 4385160446860836741
      0123456789abcdef0123456789abcdef0            | 15192233739222323092
      """)
  void murmurHash2MatchesLibstdcxxStdHash(String input, String expected) {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);

    assertThat(HashFunction.MURMUR_HASH_2.hash(bytes, bytes.length))
        .isEqualTo(Long.parseUnsignedLong(expected));
  }

  @Test
  void aNewlineIsHashedLikeAnyByte() {
    byte[] bytes = "foo\nbar".getBytes(StandardCharsets.UTF_8);

    assertThat(XxHash64.hash(bytes, bytes.length, 0))
        .isEqualTo(Long.parseUnsignedLong("8917841378505826757"));
    assertThat(MurmurHash2.hash(bytes, bytes.length, MurmurHash2.STD_HASH_SEED))
        .isEqualTo(Long.parseUnsignedLong("16306510975912980159"));
  }

  @Test
  void hashesOnlyThePrefixItIsGiven() {
    byte[] bytes = Arrays.copyOf("foo".getBytes(StandardCharsets.UTF_8), 40);
    Arrays.fill(bytes, 3, 40, (byte) 'x');

    for (HashFunction function : HashFunction.values()) {
      assertThat(function.hash(bytes, 3))
          .isEqualTo(function.hash("foo".getBytes(StandardCharsets.UTF_8), 3));
    }
    assertThatThrownBy(() -> XxHash64.hash(bytes, 41, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> MurmurHash2.hash(bytes, -1, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
