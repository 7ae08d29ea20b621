package dev.bowline.proxy.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent.DenominatorType;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentageTest {

  private static Percentage of(int numerator, DenominatorType denominator) {
    Problems problems = new Problems();
    Percentage p =
        Percentage.of(
            FractionalPercent.newBuilder().setNumerator(numerator).setDenominator(denominator).build(),
            "p", problems);
    assertThat(problems.list()).isEmpty();
    return p;
  }

  /** How many of the draws 0..n-1 are in the share: Envoy's "random modulo denominator" test. */
  private static long hits(Percentage p, long n) {
    return LongStream.range(0, n).filter(p::sampled).count();
  }

  @Test
  void eachDenominatorIsTheModulusOfTheDraw() {
    assertThat(hits(of(25, DenominatorType.HUNDRED), 100)).isEqualTo(25);
    assertThat(hits(of(25, DenominatorType.TEN_THOUSAND), 10_000)).isEqualTo(25);
    assertThat(hits(of(500_000, DenominatorType.MILLION), 1_000_000)).isEqualTo(500_000);
    assertThat(of(1, DenominatorType.HUNDRED).sampled(100)).isTrue(); // 100 % 100 = 0 < 1
    assertThat(of(1, DenominatorType.HUNDRED).sampled(101)).isFalse();
  }

  @Test
  void zeroIsNeverAndAFullOrLargerNumeratorIsAlways() {
    Percentage zero = of(0, DenominatorType.HUNDRED);
    assertThat(zero.isNever()).isTrue();
    for (int i = 0; i < 1000; i++) {
      assertThat(zero.sample()).isFalse();
      assertThat(of(100, DenominatorType.HUNDRED).sample()).isTrue();
      assertThat(of(150, DenominatorType.HUNDRED).sample()).isTrue();
    }
    assertThat(hits(of(150, DenominatorType.HUNDRED), 100)).isEqualTo(100);
  }

  @Test
  void anUnsetPercentageIsZeroAsInEnvoy() {
    Problems problems = new Problems();
    Percentage p = Percentage.of(FractionalPercent.getDefaultInstance(), "p", problems);
    assertThat(p.isNever()).isTrue();
  }

  @Test
  void anUnknownDenominatorIsReportedAtItsPath() {
    Problems problems = new Problems();
    Percentage p =
        Percentage.of(FractionalPercent.newBuilder().setDenominatorValue(7).build(), "x.percentage",
            problems);
    assertThat(p).isNull();
    assertThat(problems.list())
        .containsExactly(
            "x.percentage.denominator: unknown value 7 (expected HUNDRED, TEN_THOUSAND or MILLION)");
  }

  @Test
  void aRuntimeFractionUsesItsDefaultValue() {
    Problems problems = new Problems();
    RuntimeFractionalPercent half =
        RuntimeFractionalPercent.newBuilder()
            .setDefaultValue(FractionalPercent.newBuilder().setNumerator(50))
            .build();
    Percentage p = Percentage.ofRuntime(true, half, Percentage.NEVER, "f", problems);
    assertThat(hits(p, 100)).isEqualTo(50);
    assertThat(Percentage.ofRuntime(false, half, Percentage.ALWAYS, "f", problems))
        .isSameAs(Percentage.ALWAYS);
    assertThat(problems.list()).isEmpty();
  }
}
