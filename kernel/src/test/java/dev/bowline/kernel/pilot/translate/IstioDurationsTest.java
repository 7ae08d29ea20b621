package dev.bowline.kernel.pilot.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IstioDurationsTest {

  @Test
  void readsProtobufAndGoForms() {
    assertThat(IstioDurations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(IstioDurations.parse("0.5s")).isEqualTo(Duration.ofMillis(500));
    assertThat(IstioDurations.parse("100ms")).isEqualTo(Duration.ofMillis(100));
    assertThat(IstioDurations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(IstioDurations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(IstioDurations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(IstioDurations.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(IstioDurations.toProto(Duration.ofMillis(1500)))
        .isEqualTo(com.google.protobuf.Duration.newBuilder().setSeconds(1).setNanos(500_000_000).build());
  }

  @Test
  void refusesWhatIsNotADuration() {
    for (String bad : new String[] {"", "10", "s", "-1s", "10 s", "1d", "1.2.3s"}) {
      assertThatThrownBy(() -> IstioDurations.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "' is not a duration");
    }
  }
}
