package dev.bowline.proxy.config;

import dev.bowline.proxy.config.OutlierDetectionConfig.FailurePercentage;
import dev.bowline.proxy.config.OutlierDetectionConfig.SuccessRate;
import dev.bowline.proxy.config.OutlierDetectionConfig.Trigger;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import java.time.Duration;

/**
 * Reads a cluster's {@code outlier_detection} into an {@link OutlierDetectionConfig}, with Envoy's
 * defaults and Envoy's range checks (percentages at most 100, durations greater than 0,
 * {@code max_ejection_time} not below {@code base_ejection_time}). Which fields may be set at all is
 * the supported-subset check's business. Stateless.
 */
final class OutlierDetectionTranslator {

  private OutlierDetectionTranslator() {}

  /** The configuration, or null after reporting a problem at {@code path}. */
  static OutlierDetectionConfig translate(OutlierDetection od, String path, Problems problems) {
    int before = problems.size();
    OutlierDetectionConfig d = OutlierDetectionConfig.DEFAULTS;
    Duration interval = positive(od.hasInterval(), od.getInterval(), d.interval(),
        Problems.join(path, "interval"), problems);
    Duration base = positive(od.hasBaseEjectionTime(), od.getBaseEjectionTime(),
        d.baseEjectionTime(), Problems.join(path, "base_ejection_time"), problems);
    // Envoy: an absent max_ejection_time is 300 s, or the base when that is longer.
    Duration maxDefault = base.compareTo(d.maxEjectionTime()) > 0 ? base : d.maxEjectionTime();
    Duration max = positive(od.hasMaxEjectionTime(), od.getMaxEjectionTime(), maxDefault,
        Problems.join(path, "max_ejection_time"), problems);
    if (max.compareTo(base) < 0) {
      problems.add(Problems.join(path, "max_ejection_time"), ProtoValues.format(max)
          + " is shorter than base_ejection_time " + ProtoValues.format(base));
    }
    Duration jitter = ProtoValues.duration(od.hasMaxEjectionTimeJitter(),
        od.getMaxEjectionTimeJitter(), Duration.ZERO,
        Problems.join(path, "max_ejection_time_jitter"), problems);
    int maxPercent = percent(od.hasMaxEjectionPercent(), od.getMaxEjectionPercent(),
        d.maxEjectionPercent(), path, "max_ejection_percent", problems);
    Trigger c5xx = new Trigger(
        count(od.hasConsecutive5Xx(), od.getConsecutive5Xx(), 5, path, "consecutive_5xx", problems),
        percent(od.hasEnforcingConsecutive5Xx(), od.getEnforcingConsecutive5Xx(), 100, path,
            "enforcing_consecutive_5xx", problems));
    Trigger gateway = new Trigger(
        count(od.hasConsecutiveGatewayFailure(), od.getConsecutiveGatewayFailure(), 5, path,
            "consecutive_gateway_failure", problems),
        percent(od.hasEnforcingConsecutiveGatewayFailure(),
            od.getEnforcingConsecutiveGatewayFailure(), 0, path,
            "enforcing_consecutive_gateway_failure", problems));
    Trigger localOrigin = new Trigger(
        count(od.hasConsecutiveLocalOriginFailure(), od.getConsecutiveLocalOriginFailure(), 5,
            path, "consecutive_local_origin_failure", problems),
        percent(od.hasEnforcingConsecutiveLocalOriginFailure(),
            od.getEnforcingConsecutiveLocalOriginFailure(), 100, path,
            "enforcing_consecutive_local_origin_failure", problems));
    SuccessRate sr = SuccessRate.DEFAULTS;
    SuccessRate successRate = new SuccessRate(
        count(od.hasSuccessRateMinimumHosts(), od.getSuccessRateMinimumHosts(),
            sr.minimumHosts(), path, "success_rate_minimum_hosts", problems),
        count(od.hasSuccessRateRequestVolume(), od.getSuccessRateRequestVolume(),
            sr.requestVolume(), path, "success_rate_request_volume", problems),
        count(od.hasSuccessRateStdevFactor(), od.getSuccessRateStdevFactor(), sr.stdevFactor(),
            path, "success_rate_stdev_factor", problems),
        percent(od.hasEnforcingSuccessRate(), od.getEnforcingSuccessRate(), sr.enforcing(), path,
            "enforcing_success_rate", problems),
        percent(od.hasEnforcingLocalOriginSuccessRate(), od.getEnforcingLocalOriginSuccessRate(),
            sr.enforcingLocalOrigin(), path, "enforcing_local_origin_success_rate", problems));
    FailurePercentage fp = FailurePercentage.DEFAULTS;
    FailurePercentage failurePercentage = new FailurePercentage(
        percent(od.hasFailurePercentageThreshold(), od.getFailurePercentageThreshold(),
            fp.threshold(), path, "failure_percentage_threshold", problems),
        count(od.hasFailurePercentageMinimumHosts(), od.getFailurePercentageMinimumHosts(),
            fp.minimumHosts(), path, "failure_percentage_minimum_hosts", problems),
        count(od.hasFailurePercentageRequestVolume(), od.getFailurePercentageRequestVolume(),
            fp.requestVolume(), path, "failure_percentage_request_volume", problems),
        percent(od.hasEnforcingFailurePercentage(), od.getEnforcingFailurePercentage(),
            fp.enforcing(), path, "enforcing_failure_percentage", problems),
        percent(od.hasEnforcingFailurePercentageLocalOrigin(),
            od.getEnforcingFailurePercentageLocalOrigin(), fp.enforcingLocalOrigin(), path,
            "enforcing_failure_percentage_local_origin", problems));
    boolean uneject = !od.hasSuccessfulActiveHealthCheckUnejectHost()
        || od.getSuccessfulActiveHealthCheckUnejectHost().getValue();
    if (problems.size() > before) {
      return null;
    }
    return new OutlierDetectionConfig(interval, base, max, jitter, maxPercent,
        od.hasAlwaysEjectOneHost() && od.getAlwaysEjectOneHost().getValue(),
        od.getSplitExternalLocalOriginErrors(), c5xx, gateway, localOrigin, successRate,
        failurePercentage, uneject);
  }

  private static Duration positive(boolean present, com.google.protobuf.Duration value,
      Duration fallback, String path, Problems problems) {
    return ProtoValues.positiveDuration(present, value, fallback, path, problems);
  }

  private static int count(boolean present, com.google.protobuf.UInt32Value value, int fallback,
      String path, String field, Problems problems) {
    return ProtoValues.uint32(present, value, fallback, 0, Integer.MAX_VALUE,
        Problems.join(path, field), problems);
  }

  private static int percent(boolean present, com.google.protobuf.UInt32Value value, int fallback,
      String path, String field, Problems problems) {
    return ProtoValues.uint32(present, value, fallback, 0, 100, Problems.join(path, field),
        problems);
  }
}
