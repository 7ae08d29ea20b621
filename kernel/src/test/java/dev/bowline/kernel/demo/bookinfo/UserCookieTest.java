package dev.bowline.kernel.demo.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.Test;

class UserCookieTest {

  private static Headers cookie(String value) {
    Headers h = new Headers();
    h.add("Cookie", value);
    return h;
  }

  @Test
  void readsTheUserAmongOtherCookies() {
    assertThat(UserCookie.read(cookie("a=1; user=jason; b=2"))).hasValue("jason");
    assertThat(UserCookie.read(cookie("user=\"jason\""))).hasValue("jason");
    assertThat(UserCookie.read(cookie("username=jason"))).isEmpty();
    assertThat(UserCookie.read(new Headers())).isEmpty();
  }

  @Test
  void aNameWithSpacesAndSeparatorsRoundTrips() {
    String set = UserCookie.signIn("Jane Doe; x=1");

    assertThat(set).isEqualTo("user=Jane%20Doe%3B%20x%3D1; Path=/");
    assertThat(UserCookie.read(cookie(set.substring(0, set.indexOf("; Path"))))).hasValue("Jane Doe; x=1");
  }

  @Test
  void aNameThatCannotBeAHeaderValueIsNoUser() {
    assertThat(UserCookie.valid("jason")).isTrue();
    assertThat(UserCookie.valid("")).isFalse();
    assertThat(UserCookie.valid("   ")).isFalse();
    assertThat(UserCookie.valid("a\r\nb")).isFalse();
    assertThat(UserCookie.valid("jäson")).isFalse();
    assertThat(UserCookie.valid("x".repeat(129))).isFalse();
    assertThat(UserCookie.read(cookie("user=a%0D%0Ab"))).isEmpty();
    assertThat(UserCookie.read(cookie("user=%zz"))).isEmpty();
    assertThat(UserCookie.signOut()).startsWith("user=; Path=/; Max-Age=0");
  }
}
