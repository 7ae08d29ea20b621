package dev.bowline.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A cluster's outlier detection (Envoy's {@code Cluster.outlier_detection}): which failures of a
 * host's requests eject it from load balancing, for how long, and how many hosts may be out at
 * once. Every default is Envoy's.
 *
 * @param interval how often ejected hosts are checked for return and success rates are judged
 *     (default 10 s)
 * @param baseEjectionTime an ejection lasts this times the host's ejection back-off (default 30 s)
 * @param maxEjectionTime the longest an ejection lasts (default 300 s, or the base if longer)
 * @param maxEjectionTimeJitter a random extra of up to this much per ejection (default 0)
 * @param maxEjectionPercent at most this share of the cluster's hosts is ejected (default 10)
 * @param alwaysEjectOneHost one host may be ejected even when that exceeds the share
 * @param splitExternalLocalOriginErrors whether local-origin failures (connect failure, timeout,
 *     reset) are counted apart from the upstream's responses (default false: they count as 503 or,
 *     for timeouts, 504)
 * @param consecutive5xx ejection after this many 5xx in a row (default 5, enforced 100%)
 * @param consecutiveGatewayFailure ejection after this many 502/503/504 in a row (default 5,
 *     enforced 0%)
 * @param consecutiveLocalOriginFailure with split errors, ejection after this many local-origin
 *     failures in a row (default 5, enforced 100%)
 * @param successRate ejection of hosts whose success rate is an outlier among their peers'
 * @param failurePercentage ejection of hosts whose failure share passes a threshold
 * @param successfulActiveHealthCheckUnejectHost a passing active health check returns an ejected
 *     host at once (default true)
 */
public record OutlierDetectionConfig(
    Duration interval,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    Duration maxEjectionTimeJitter,
    int maxEjectionPercent,
    boolean alwaysEjectOneHost,
    boolean splitExternalLocalOriginErrors,
    Trigger consecutive5xx,
    Trigger consecutiveGatewayFailure,
    Trigger consecutiveLocalOriginFailure,
    SuccessRate successRate,
    FailurePercentage failurePercentage,
    boolean successfulActiveHealthCheckUnejectHost) {

  /** Envoy's {@code interval} default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  /** Envoy's {@code base_ejection_time} default. */
  public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);

  /** Envoy's {@code max_ejection_time} default (when the base is not longer). */
  public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);

  /** An empty {@code outlier_detection: {}}: Envoy's defaults throughout. */
  public static final OutlierDetectionConfig DEFAULTS =
      new OutlierDetectionConfig(
          DEFAULT_INTERVAL,
          DEFAULT_BASE_EJECTION_TIME,
          DEFAULT_MAX_EJECTION_TIME,
          Duration.ZERO,
          10,
          false,
          false,
          new Trigger(5, 100),
          new Trigger(5, 0),
          new Trigger(5, 100),
          SuccessRate.DEFAULTS,
          FailurePercentage.DEFAULTS,
          true);

  public OutlierDetectionConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
    Objects.requireNonNull(maxEjectionTime, "maxEjectionTime");
    Objects.requireNonNull(maxEjectionTimeJitter, "maxEjectionTimeJitter");
    Objects.requireNonNull(consecutive5xx, "consecutive5xx");
    Objects.requireNonNull(consecutiveGatewayFailure, "consecutiveGatewayFailure");
    Objects.requireNonNull(consecutiveLocalOriginFailure, "consecutiveLocalOriginFailure");
    Objects.requireNonNull(successRate, "successRate");
    Objects.requireNonNull(failurePercentage, "failurePercentage");
  }

  /**
   * A consecutive-failure ejection: {@code threshold} failures in a row are detected as an outlier,
   * and the ejection is enforced with a probability of {@code enforcingPercent}.
   */
  public record Trigger(int threshold, int enforcingPercent) {}

  /**
   * Success-rate ejection, judged every interval over the hosts with at least {@code requestVolume}
   * requests in the last interval, when there are at least {@code minimumHosts} of them: a host
   * whose success rate is below the mean minus {@code stdevFactor / 1000} standard deviations is
   * ejected (Envoy's defaults 5, 100, 1900, enforced 100%).
   *
   * @param enforcing enforcement percentage for the upstream's responses
   * @param enforcingLocalOrigin enforcement percentage for local-origin results (split errors)
   */
  public record SuccessRate(
      int minimumHosts, int requestVolume, int stdevFactor, int enforcing,
      int enforcingLocalOrigin) {

    /** Envoy's defaults. */
    public static final SuccessRate DEFAULTS = new SuccessRate(5, 100, 1900, 100, 100);
  }

  /**
   * Failure-percentage ejection, judged every interval: a host with at least {@code requestVolume}
   * requests in the last interval whose failures reach {@code threshold} percent is ejected, when at
   * least {@code minimumHosts} hosts have that volume (Envoy's defaults 85, 5, 50, enforced 0%).
   */
  public record FailurePercentage(
      int threshold, int minimumHosts, int requestVolume, int enforcing,
      int enforcingLocalOrigin) {

    /** Envoy's defaults. */
    public static final FailurePercentage DEFAULTS = new FailurePercentage(85, 5, 50, 0, 0);
  }
}
