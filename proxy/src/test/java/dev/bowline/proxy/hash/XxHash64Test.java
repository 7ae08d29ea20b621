package dev.bowline.proxy.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XxHash64Test {

  /** Reference values computed by the reference implementation's command-line tool (xxhsum -H64). */
  @Test
  void matchesTheReferenceImplementation() {
    assertThat(XxHash64.hash("")).isEqualTo(0xef46db3751d8e999L);
    assertThat(XxHash64.hash("a")).isEqualTo(0xd24ec4f1a98c6e5bL);
    assertThat(XxHash64.hash("abc")).isEqualTo(0x44bc2cf5ad770999L);
    assertThat(XxHash64.hash("x-user-42")).isEqualTo(0x89dc8af4a30ec196L);
    // 32 bytes: one full stripe, no tail.
    assertThat(XxHash64.hash("0123456789abcdef0123456789abcdef")).isEqualTo(0x642a94958e71e6c5L);
    // 39 bytes: a stripe, then 4 bytes and 3 single bytes.
    assertThat(XxHash64.hash("Nobody inspects the spammish repetition"))
        .isEqualTo(0xfbcea83c8a378bf1L);
    // Not ASCII: hashed as UTF-8.
    assertThat(XxHash64.hash("héllo wörld, ünïcode ✓")).isEqualTo(0x00dd74dc703dae8cL);
  }

  @Test
  void textAndItsUtf8BytesHashAlikeAtEveryLength() {
    Random random = new Random(7);
    for (int length = 0; length < 140; length++) {
      char[] chars = new char[length];
      for (int i = 0; i < length; i++) {
        chars[i] = (char) (0x20 + random.nextInt(0x5f));
      }
      String text = new String(chars);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      assertThat(XxHash64.hash(text)).as("length %d", length).isEqualTo(XxHash64.hash(bytes, 0, bytes.length));
    }
  }

  @Test
  void aRangeHashesLikeTheSubstring() {
    String cookie = "a=1; session=\"0123456789abcdef\"; z=9";
    int from = cookie.indexOf('"') + 1;
    int to = cookie.lastIndexOf('"');
    assertThat(XxHash64.hash(cookie, from, to)).isEqualTo(XxHash64.hash("0123456789abcdef"));
    byte[] bytes = cookie.getBytes(StandardCharsets.US_ASCII);
    assertThat(XxHash64.hash(bytes, from, to - from)).isEqualTo(XxHash64.hash("0123456789abcdef"));
    assertThat(XxHash64.hash("ünï-x", 3, 5)).isEqualTo(XxHash64.hash("-x"));
  }

  @Test
  void differentInputsGiveDifferentKeys() {
    assertThat(XxHash64.hash("user-1")).isNotEqualTo(XxHash64.hash("user-2"));
    assertThat(XxHash64.hash("10.0.0.1")).isNotEqualTo(XxHash64.hash("10.0.0.2"));
  }

  @Test
  void formatsKeysAsSixteenHexDigits() {
    assertThat(XxHash64.toHex(0x00dd74dc703dae8cL)).isEqualTo("00dd74dc703dae8c");
    assertThat(XxHash64.toHex(-1L)).isEqualTo("ffffffffffffffff");
    assertThat(XxHash64.toHex(0)).isEqualTo("0000000000000000");
  }

  @Test
  void refusesRangesOutsideTheInput() {
    assertThatThrownBy(() -> XxHash64.hash("abc", 2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> XxHash64.hash(new byte[3], 1, 3)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
