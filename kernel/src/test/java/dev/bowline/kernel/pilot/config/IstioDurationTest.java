package dev.bowline.kernel.pilot.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IstioDurationTest {

  @Test
  void readsProtobufAndGoSpellings() {
    assertThat(IstioDuration.parse("3s")).contains(Duration.ofSeconds(3));
    assertThat(IstioDuration.parse("0.5s")).contains(Duration.ofMillis(500));
    assertThat(IstioDuration.parse("3.000000001s")).contains(Duration.ofNanos(3_000_000_001L));
    assertThat(IstioDuration.parse("100ms")).contains(Duration.ofMillis(100));
    assertThat(IstioDuration.parse("1m")).contains(Duration.ofMinutes(1));
    assertThat(IstioDuration.parse("1h30m")).contains(Duration.ofMinutes(90));
    assertThat(IstioDuration.parse("1.5h")).contains(Duration.ofMinutes(90));
    assertThat(IstioDuration.parse("250us")).contains(Duration.ofNanos(250_000));
    assertThat(IstioDuration.parse("-2s")).contains(Duration.ofSeconds(-2));
    assertThat(IstioDuration.parse("0")).contains(Duration.ZERO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "3", "s", "1.2.3s", "5 s", "5sec", "1d", "PT5S", "9999999999h"})
  void refusesWhatIsNotADuration(String text) {
    assertThat(IstioDuration.parse(text)).isEmpty();
  }
}
