package dev.bowline.proxy.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewalScheduleTest {

  private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant EXPIRES = ISSUED.plus(Duration.ofHours(24));

  @Test
  void renewalComesAtHalfTheLifetimeWithinTheJitter() {
    assertThat(RenewalSchedule.untilRenewal(ISSUED, EXPIRES, ISSUED, 0.5)).isEqualTo(Duration.ofHours(12));
    assertThat(RenewalSchedule.untilRenewal(ISSUED, EXPIRES, ISSUED, 0.0))
        .isEqualTo(Duration.ofHours(12).minus(Duration.ofMinutes(72)));
    assertThat(RenewalSchedule.untilRenewal(ISSUED, EXPIRES, ISSUED, 0.999999))
        .isBetween(Duration.ofHours(12).plus(Duration.ofMinutes(71)), Duration.ofHours(12).plus(Duration.ofMinutes(72)));
    assertThat(RenewalSchedule.untilRenewal(ISSUED, EXPIRES, ISSUED.plus(Duration.ofHours(10)), 0.5))
        .as("half of what is left when it arrives late").isEqualTo(Duration.ofHours(7));
  }

  @Test
  void aBackdatedShortLivedCertificateIsNotDueOnArrival() {
    Instant now = ISSUED.plus(Duration.ofMinutes(1)); // the CA backdated notBefore by a minute
    assertThat(RenewalSchedule.untilRenewal(ISSUED, now.plus(Duration.ofMinutes(2)), now, 0.5))
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void anExpiredCertificateIsRenewedAtOnce() {
    assertThat(RenewalSchedule.untilRenewal(ISSUED, EXPIRES, EXPIRES.plusSeconds(1), 0.5))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void retriesBackOffFromOneSecondToThirty() {
    assertThat(RenewalSchedule.retryAfter(1, 0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RenewalSchedule.retryAfter(2, 0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(RenewalSchedule.retryAfter(5, 0)).isEqualTo(Duration.ofSeconds(16));
    assertThat(RenewalSchedule.retryAfter(6, 0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(RenewalSchedule.retryAfter(60, 0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(RenewalSchedule.retryAfter(1, 0.99)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(1));
    assertThat(RenewalSchedule.retryAfter(6, 0, Duration.ofHours(12)))
        .as("a long-lived certificate keeps the 30 s cap").isEqualTo(Duration.ofSeconds(30));
    assertThat(RenewalSchedule.retryAfter(6, 0, Duration.ofSeconds(50)))
        .as("a tenth of what is left").isEqualTo(Duration.ofSeconds(5));
    assertThat(RenewalSchedule.retryAfter(6, 0, Duration.ofSeconds(3)))
        .as("at least a second").isEqualTo(Duration.ofSeconds(1));
    assertThat(RenewalSchedule.retryAfter(2, 0, Duration.ofSeconds(50)))
        .as("backoff below the cap is unchanged").isEqualTo(Duration.ofSeconds(2));
  }
}
