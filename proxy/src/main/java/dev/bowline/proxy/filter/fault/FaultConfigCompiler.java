package dev.bowline.proxy.filter.fault;

import dev.bowline.proxy.config.BuiltinFilterFields;
import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.Percentage;
import dev.bowline.proxy.route.RouteConfigParts;
import dev.bowline.proxy.route.RouteConfigParts.RequestCondition;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import java.time.Duration;

/**
 * Compiles an Envoy {@code HTTPFault}, as the connection manager's filter or a route's {@code
 * typed_per_filter_config["envoy.filters.http.fault"]}: {@code delay.fixed_delay} (greater than 0)
 * with its {@code percentage}, {@code abort.http_status} (200 to 599) or {@code abort.grpc_status}
 * with its {@code percentage}, and {@code headers} (the route's header matchers). An absent
 * percentage is 0%, as in Envoy. Any other field is refused, naming it ({@link
 * BuiltinFilterFields}). Stateless.
 */
public final class FaultConfigCompiler {

  private FaultConfigCompiler() {}

  /** The compiled config, or null after reporting problems under {@code path}. */
  public static FaultConfig compile(HTTPFault fault, String path, Problems problems) {
    int before = problems.size();
    BuiltinFilterFields.check(fault, path, problems);
    RequestCondition headers =
        RouteConfigParts.allHeaders(
            fault.getHeadersList(), Problems.join(path, "headers"), problems);
    Duration delay = Duration.ZERO;
    Percentage delayPercentage = Percentage.NEVER;
    if (fault.hasDelay()) {
      String delayPath = Problems.join(path, "delay");
      FaultDelay d = fault.getDelay();
      if (d.hasFixedDelay()) {
        delay = Duration.ofSeconds(d.getFixedDelay().getSeconds(), d.getFixedDelay().getNanos());
        if (delay.isNegative() || delay.isZero()) {
          problems.add(Problems.join(delayPath, "fixed_delay"), "must be greater than 0s");
        }
      } else if (!d.hasHeaderDelay()) { // header_delay is refused by the field check
        problems.add(Problems.join(delayPath, "fixed_delay"), "required");
      }
      delayPercentage =
          Percentage.of(d.getPercentage(), Problems.join(delayPath, "percentage"), problems);
    }
    FaultConfig.Abort abort = null;
    Percentage abortPercentage = Percentage.NEVER;
    if (fault.hasAbort()) {
      String abortPath = Problems.join(path, "abort");
      FaultAbort a = fault.getAbort();
      switch (a.getErrorTypeCase()) {
        case HTTP_STATUS -> {
          int status = a.getHttpStatus();
          if (status < 200 || status > 599) {
            problems.add(
                Problems.join(abortPath, "http_status"),
                "must be from 200 to 599, not " + Integer.toUnsignedLong(status));
          }
          abort = FaultConfig.Abort.http(status);
        }
        case GRPC_STATUS -> {
          int status = a.getGrpcStatus();
          if (status < 0) {
            problems.add(
                Problems.join(abortPath, "grpc_status"),
                "must be a gRPC status code, not " + Integer.toUnsignedLong(status));
          }
          abort = FaultConfig.Abort.grpc(status);
        }
        case ERRORTYPE_NOT_SET ->
            problems.add(abortPath, "one of http_status or grpc_status is required");
        default -> {} // header_abort: refused by the field check
      }
      abortPercentage =
          Percentage.of(a.getPercentage(), Problems.join(abortPath, "percentage"), problems);
    }
    if (problems.size() > before) {
      return null;
    }
    return new FaultConfig(headers, delay, delayPercentage, abort, abortPercentage);
  }
}
