package dev.bowline.kernel.pilot.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.istio.Percent;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpFaultInjection;
import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.fault.FaultConfig;
import dev.bowline.proxy.filter.fault.FaultConfigCompiler;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent.DenominatorType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Istio's {@code HTTPFaultInjection} as Envoy's {@code HTTPFault}, in particular a delay or an
 * abort without {@code percentage}: Istio writes {@code delay.percentage} from the deprecated
 * whole {@code percent} (0 when absent) and leaves {@code abort.percentage} out, and its API says
 * such a fault is injected into no request. The proxy's fault filter, fed what Pilot emits, agrees.
 */
class FaultInjectionsTest {

  private static FaultConfig proxyFilter(HTTPFault fault) {
    Problems problems = new Problems();
    FaultConfig config = FaultConfigCompiler.compile(fault, "fault", problems);
    assertThat(problems.isEmpty()).as("the proxy accepts what Pilot emits").isTrue();
    return config;
  }

  @Test
  void aDelayWithoutPercentageIsWrittenAsIstioDoesAndDelaysNoRequest() {
    HTTPFault fault =
        FaultInjections.of(
            new HttpFaultInjection(new HttpFaultInjection.Delay("2s", null, null, null), null),
            "vs.http[0]");

    assertThat(fault.getDelay().getFixedDelay().getSeconds()).isEqualTo(2);
    assertThat(fault.getDelay().hasPercentage()).as("Istio writes percent (0) per hundred").isTrue();
    assertThat(fault.getDelay().getPercentage())
        .isEqualTo(
            FractionalPercent.newBuilder()
                .setNumerator(0)
                .setDenominator(DenominatorType.HUNDRED)
                .build());
    FaultConfig config = proxyFilter(fault);
    for (int i = 0; i < 1000; i++) {
      assertThat(config.drawDelay()).isEqualTo(Duration.ZERO);
    }
  }

  @Test
  void anAbortWithoutPercentageHasNoneAsInIstioAndAbortsNoRequest() {
    HTTPFault fault =
        FaultInjections.of(
            new HttpFaultInjection(null, new HttpFaultInjection.Abort(503, null, null, null)),
            "vs.http[0]");

    assertThat(fault.getAbort().getHttpStatus()).isEqualTo(503);
    assertThat(fault.getAbort().hasPercentage()).as("Istio leaves it out").isFalse();
    FaultConfig config = proxyFilter(fault);
    for (int i = 0; i < 1000; i++) {
      assertThat(config.drawAbort()).isNull();
    }
  }

  @Test
  void aPercentageIsWrittenPerMillionAndTheDeprecatedPercentPerHundred() {
    HTTPFault fault =
        FaultInjections.of(
            new HttpFaultInjection(
                new HttpFaultInjection.Delay("100ms", null, 30, null),
                new HttpFaultInjection.Abort(null, "UNAVAILABLE", null, new Percent(12.5))),
            "vs.http[0]");

    assertThat(fault.getDelay().getPercentage())
        .isEqualTo(
            FractionalPercent.newBuilder()
                .setNumerator(30)
                .setDenominator(DenominatorType.HUNDRED)
                .build());
    assertThat(fault.getAbort().getGrpcStatus()).isEqualTo(14);
    assertThat(fault.getAbort().getPercentage())
        .isEqualTo(
            FractionalPercent.newBuilder()
                .setNumerator(125_000)
                .setDenominator(DenominatorType.MILLION)
                .build());
    FaultConfig always =
        proxyFilter(
            FaultInjections.of(
                new HttpFaultInjection(
                    null, new HttpFaultInjection.Abort(500, null, null, new Percent(100))),
                "vs.http[0]"));
    assertThat(always.drawAbort()).isEqualTo(FaultConfig.Abort.http(500));
  }
}
