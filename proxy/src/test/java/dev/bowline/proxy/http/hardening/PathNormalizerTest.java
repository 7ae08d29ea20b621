package dev.bowline.proxy.http.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.HttpConnectionManagerConfig.EscapedSlashesAction;
import dev.bowline.proxy.http.hardening.PathNormalization.Outcome;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

  /** Bowline's default: normalize, merge slashes, reject escaped slashes. */
  private static final PathNormalizer EDGE =
      new PathNormalizer(true, true, EscapedSlashesAction.REJECT_REQUEST);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // dot segments (RFC 3986 §5.2.4)
        "/a/./b | /a/b",
        "/a/../b | /b",
        "/../a | /a",
        "/.. | /",
        "/. | /",
        "/./ | /",
        "/a/b/.. | /a/",
        "/a/. | /a/",
        "/a/./ | /a/",
        "/a/b/c/./../../g | /a/g",
        "/a/b/../../../c | /c",
        "/a/.../b | /a/.../b",
        "/a/..b/.c | /a/..b/.c",
        // encoded dots count once decoded
        "/a/%2e%2e/b | /b",
        "/a/%2E./b | /b",
        "/a/.%2e | /",
        "/%2e | /",
        "/.%2E/x | /x",
        // dot segments with path parameters, as servlet containers read them
        "/public/..;/admin | /admin",
        "/a/.;x/b | /a/b",
        "/a/..;jsessionid=1/b | /b",
        "/a/b;c | /a/b;c",
        // merge slashes (after dot segments, as Envoy)
        "/a//b | /a/b",
        "///a | /a",
        "/a/ | /a/",
        "//a/../b | /b",
        "/a//../b | /a/b",
        // unreserved decoding, hex upper-casing
        "/%41%62c | /Abc",
        "/%7e%2D%5f%2e%30 | /~-_.0",
        "/a%3fb | /a%3Fb",
        "/a%3Fb | /a%3Fb",
        "/a%20b | /a%20b",
        "/a%25b | /a%25b",
        "/a%252e%252e/b | /a%252e%252e/b",
        "/%e2%82%ac | /%E2%82%AC",
        // queries pass untouched
        "/a?x=../../y&z=%2f | /a?x=../../y&z=%2f",
        "/a/../b?x=/../%41 | /b?x=/../%41",
        "/a?b?c | /a?b?c",
        "/? | /?",
        // already normal: unchanged
        "/ | /",
        "/a/b.c/d-e_f~g | /a/b.c/d-e_f~g",
        "/a:b@c!$&'()*+,;= | /a:b@c!$&'()*+,;=",
      })
  void normalizes(String target, String expected) {
    PathNormalization result = EDGE.normalize(target, HttpMethod.GET);
    assertThat(result.outcome()).isEqualTo(Outcome.FORWARD);
    assertThat(result.target()).isEqualTo(expected);
    assertThat(result.changed()).isEqualTo(!target.equals(expected));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | NOT_ORIGIN_FORM",
        "a/b | NOT_ORIGIN_FORM",
        "?a | NOT_ORIGIN_FORM",
        "* | ASTERISK_FORM_NOT_ALLOWED",
        "/a%2Fb | ESCAPED_SLASH",
        "/a%2fb | ESCAPED_SLASH",
        "/a%5Cb | ESCAPED_SLASH",
        "/a%5cb | ESCAPED_SLASH",
        "/a/..%2F..%2Fetc | ESCAPED_SLASH",
        "/a%zz | INVALID_PERCENT_ENCODING",
        "/a%2 | INVALID_PERCENT_ENCODING",
        "/a% | INVALID_PERCENT_ENCODING",
        "/a%2?x | INVALID_PERCENT_ENCODING",
        "/a%g1 | INVALID_PERCENT_ENCODING",
        "/a#b | FRAGMENT",
        "/a?b#c | FRAGMENT",
        "/a\\b | BACKSLASH",
        "/a\\..\\b | BACKSLASH",
        "/a b | INVALID_CHARACTER",
        "/a?b c | INVALID_CHARACTER",
        "/caf\u00e9 | INVALID_CHARACTER",
        "/a\u007f | INVALID_CHARACTER",
      })
  void rejects(String target, PathRejection reason) {
    PathNormalization result = EDGE.normalize(target, HttpMethod.GET);
    assertThat(result.outcome()).isEqualTo(Outcome.REJECT);
    assertThat(result.rejection()).isEqualTo(reason);
    assertThat(result.target()).isNull();
  }

  @ParameterizedTest(name = "{0}: {1} -> {2} {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "KEEP_UNCHANGED | /a%2Fb | FORWARD | /a%2Fb",
        "KEEP_UNCHANGED | /a%2fb | FORWARD | /a%2Fb",
        "KEEP_UNCHANGED | /a%5cb/../c | FORWARD | /c",
        "KEEP_UNCHANGED | /a%2F..%2Fb | FORWARD | /a%2F..%2Fb",
        "UNESCAPE_AND_FORWARD | /a%2Fb | FORWARD | /a/b",
        "UNESCAPE_AND_FORWARD | /a%2fb%5Cc%5cd | FORWARD | /a/b/c/d",
        "UNESCAPE_AND_FORWARD | /a%2F..%2Fb | FORWARD | /b",
        "UNESCAPE_AND_FORWARD | /a%2F%2Fb | FORWARD | /a/b",
        "UNESCAPE_AND_FORWARD | /a?x=%2F | FORWARD | /a?x=%2F",
        "UNESCAPE_AND_REDIRECT | /a%2Fb | REDIRECT | /a/b",
        "UNESCAPE_AND_REDIRECT | /x/..%2fadmin?q=%2F | REDIRECT | /admin?q=%2F",
        "UNESCAPE_AND_REDIRECT | /a/b | FORWARD | /a/b",
        "UNESCAPE_AND_REDIRECT | /a/./b | FORWARD | /a/b",
        "UNESCAPE_AND_REDIRECT | /a?x=%2F | FORWARD | /a?x=%2F",
      })
  void handlesEscapedSlashesPerAction(
      EscapedSlashesAction action, String target, Outcome outcome, String expected) {
    PathNormalization result =
        new PathNormalizer(true, true, action).normalize(target, HttpMethod.GET);
    assertThat(result.outcome()).isEqualTo(outcome);
    assertThat(result.target()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "normalize={0} merge={1}: {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "false | false | /a/../b//c/%41%2f | /a/../b//c/%41%2f",
        "false | true | /a/../b//c | /a/../b/c",
        "true | false | /a/../b//c/%41 | /b//c/A",
        "true | false | /a//../b | /a/b",
      })
  void honoursEachSettingOnItsOwn(
      boolean normalize, boolean merge, String target, String expected) {
    PathNormalization result =
        new PathNormalizer(normalize, merge, EscapedSlashesAction.KEEP_UNCHANGED)
            .normalize(target, HttpMethod.GET);
    assertThat(result.outcome()).isEqualTo(Outcome.FORWARD);
    assertThat(result.target()).isEqualTo(expected);
  }

  @Test
  void rejectsControlCharactersAnywhere() {
    // Kept out of the CSV tables, which trim leading and trailing control characters.
    for (String target : new String[] {"/a\u0000", "/a\tb", "/a?\u0001", "/a?b\r\n", "/\u001fx"}) {
      assertThat(EDGE.normalize(target, HttpMethod.GET).rejection())
          .as(target)
          .isEqualTo(PathRejection.INVALID_CHARACTER);
    }
  }

  @Test
  void stillValidatesWhenNormalizationIsOff() {
    PathNormalizer off = new PathNormalizer(false, false, EscapedSlashesAction.KEEP_UNCHANGED);
    assertThat(off.normalize("/a%zz", HttpMethod.GET).rejection())
        .isEqualTo(PathRejection.INVALID_PERCENT_ENCODING);
    assertThat(off.normalize("/a#b", HttpMethod.GET).rejection()).isEqualTo(PathRejection.FRAGMENT);
    assertThat(off.normalize("/a\\b", HttpMethod.GET).rejection())
        .isEqualTo(PathRejection.BACKSLASH);
  }

  @Test
  void acceptsAsteriskOnlyForOptions() {
    assertThat(EDGE.normalize("*", HttpMethod.OPTIONS))
        .extracting(PathNormalization::outcome, PathNormalization::target)
        .containsExactly(Outcome.FORWARD, "*");
    assertThat(EDGE.normalize("*", HttpMethod.GET).rejection())
        .isEqualTo(PathRejection.ASTERISK_FORM_NOT_ALLOWED);
  }

  @Test
  void returnsTheSameStringWhenNothingChanges() {
    String target = "/api/v1/items/42?expand=true&q=%2F";
    PathNormalization result = EDGE.normalize(target, HttpMethod.GET);
    assertThat(result.target()).isSameAs(target);
    assertThat(result.changed()).isFalse();
  }

  @Test
  void sharesRejectionResults() {
    assertThat(EDGE.normalize("/a#1", HttpMethod.GET))
        .isSameAs(EDGE.normalize("/b#2", HttpMethod.GET));
  }
}
