package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.istio.GrpcStatusCodes;
import dev.bowline.kernel.pilot.istio.Percent;
import dev.bowline.kernel.pilot.istio.VirtualService.HttpFaultInjection;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates Istio's {@code HTTPFaultInjection} into the per-route config of Envoy's fault filter
 * ({@code envoy.filters.http.fault}), as Istio does: {@code delay.fixedDelay} with {@code
 * percentage} (per million, so fractions survive) or the deprecated whole {@code percent} (per
 * hundred; neither means 0%); {@code abort.httpStatus} or {@code abort.grpcStatus} (the status
 * name's code) with {@code percentage}, none given leaving Envoy's default. Stateless.
 */
final class FaultInjections {

  private static final Logger log = LoggerFactory.getLogger(FaultInjections.class);

  private FaultInjections() {}

  /** The route's fault config, or null when nothing can be injected. */
  static HTTPFault of(HttpFaultInjection fault, String where) {
    HTTPFault.Builder out = HTTPFault.newBuilder();
    HttpFaultInjection.Delay d = fault.delay();
    if (d != null && d.fixedDelay() != null) {
      try {
        FaultDelay.Builder delay =
            FaultDelay.newBuilder()
                .setFixedDelay(IstioDurations.toProto(IstioDurations.parse(d.fixedDelay())));
        delay.setPercentage(
            d.percentage() != null
                ? perMillion(d.percentage())
                : perHundred(d.percent() == null ? 0 : d.percent()));
        out.setDelay(delay);
      } catch (IllegalArgumentException e) {
        log.warn("{}.fault.delay.fixedDelay: {}; no delay injected", where, e.getMessage());
      }
    }
    HttpFaultInjection.Abort a = fault.abort();
    if (a != null) {
      FaultAbort.Builder abort = FaultAbort.newBuilder();
      OptionalInt grpc = GrpcStatusCodes.code(a.grpcStatus());
      if (a.httpStatus() != null) {
        abort.setHttpStatus(a.httpStatus());
      } else if (grpc.isPresent()) {
        abort.setGrpcStatus(grpc.getAsInt());
      } else {
        log.warn("{}.fault.abort: only httpStatus and grpcStatus are supported; no abort", where);
        abort = null;
      }
      if (abort != null) {
        if (a.percentage() != null) {
          abort.setPercentage(perMillion(a.percentage()));
        }
        out.setAbort(abort);
      }
    }
    return out.hasDelay() || out.hasAbort() ? out.build() : null;
  }

  /** Istio's percentage as parts per million. */
  static FractionalPercent perMillion(Percent p) {
    return FractionalPercent.newBuilder()
        .setNumerator((int) (p.value() * 10_000))
        .setDenominator(FractionalPercent.DenominatorType.MILLION)
        .build();
  }

  /** A whole percentage as parts per hundred. */
  static FractionalPercent perHundred(int percent) {
    return FractionalPercent.newBuilder()
        .setNumerator(percent)
        .setDenominator(FractionalPercent.DenominatorType.HUNDRED)
        .build();
  }
}
