package dev.bowline.proxy.upstream.outlier;

import dev.bowline.proxy.config.OutlierDetectionConfig;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * A cluster's outlier detector, as Envoy's {@code DetectorImpl}: it ejects a host whose requests
 * fail too often in a row (5xx, gateway errors, local-origin failures) or whose success rate or
 * failure share stands out at the end of an interval, within {@code max_ejection_percent}, and
 * returns it when its ejection time (the base times its back-off, at most the maximum, plus
 * jitter) has passed, at the first interval tick after that. The back-off grows by one with each
 * ejection and shrinks by one with each interval the host spends back in service.
 *
 * <p>Ejected hosts leave the load balancer's host set: the detector calls its change listener
 * after each ejection and return, and the cluster builds a new picker.
 *
 * <p><b>Threading.</b> Detection thresholds are reached on event loops ({@link HostMonitor});
 * everything else runs on one control thread: the {@code control} executor, on which {@link
 * #runInterval()} must be scheduled every {@code interval} too. {@link #setHosts(List)} and {@link
 * #activeHealthCheckPassed(HostMonitor)} may be called from any thread; they hand over to the
 * control thread. Nothing blocks.
 */
public final class OutlierDetector {

  private final OutlierDetectionConfig config;
  private final Executor control;
  private final LongSupplier nanoClock;
  private final RandomGenerator random;
  private final OutlierStats stats;
  private final Runnable changed;
  private final Map<HostMonitor, Boolean> hosts = new IdentityHashMap<>();
  private volatile double successRateAverage = -1;
  private volatile double successRateThreshold = -1;
  private volatile double localOriginSuccessRateAverage = -1;
  private volatile double localOriginSuccessRateThreshold = -1;
  private boolean closed;

  /**
   * @param config what to detect and how long to eject
   * @param control the control thread: a single-threaded executor (direct in unit tests)
   * @param nanoClock the monotonic clock, in nanoseconds
   * @param random the source of enforcement draws and ejection jitter
   * @param stats where ejections are counted
   * @param changed called on the control thread after hosts were ejected or returned
   */
  public OutlierDetector(
      OutlierDetectionConfig config,
      Executor control,
      LongSupplier nanoClock,
      RandomGenerator random,
      OutlierStats stats,
      Runnable changed) {
    this.config = config;
    this.control = control;
    this.nanoClock = nanoClock;
    this.random = random;
    this.stats = stats;
    this.changed = changed;
  }

  /** The configuration. */
  public OutlierDetectionConfig config() {
    return config;
  }

  /** A monitor for a new host; it counts once {@link #setHosts(List)} includes it. */
  public HostMonitor newMonitor() {
    return new HostMonitor(this);
  }

  /**
   * The cluster's hosts are now these (any thread). A removed host that was ejected no longer
   * counts as active; its late detections are ignored.
   */
  public void setHosts(List<HostMonitor> monitors) {
    List<HostMonitor> copy = List.copyOf(monitors);
    control.execute(() -> replaceHosts(copy));
  }

  private void replaceHosts(List<HostMonitor> monitors) {
    if (closed) {
      return;
    }
    Map<HostMonitor, Boolean> next = new IdentityHashMap<>();
    for (HostMonitor m : monitors) {
      next.put(m, Boolean.TRUE);
    }
    for (HostMonitor old : new ArrayList<>(hosts.keySet())) {
      if (!next.containsKey(old)) {
        hosts.remove(old);
        old.attached = false;
        if (old.isEjected()) {
          stats.returned();
        }
      }
    }
    for (HostMonitor m : monitors) {
      if (hosts.put(m, Boolean.TRUE) == null) {
        m.attached = true;
      }
    }
  }

  /** Stops detecting (the cluster is gone); the active-ejections gauge goes to 0. */
  public void close() {
    control.execute(
        () -> {
          closed = true;
          for (HostMonitor m : hosts.keySet()) {
            m.attached = false;
            if (m.isEjected()) {
              stats.returned();
            }
          }
          hosts.clear();
        });
  }

  /** A host reached a consecutive-failure threshold (on an event loop). */
  void consecutiveFailures(HostMonitor monitor, EjectionType type) {
    control.execute(() -> onConsecutiveFailures(monitor, type));
  }

  private void onConsecutiveFailures(HostMonitor monitor, EjectionType type) {
    if (closed || !monitor.attached || monitor.isEjected()) {
      return;
    }
    stats.detected(type);
    boolean ejected = eject(monitor, type, nanoClock.getAsLong());
    // Reset the counter so that a further bout of failures is detected even with no success
    // in between.
    monitor.resetCounter(type);
    if (ejected) {
      changed.run();
    }
  }

  /**
   * An active health check passed for a host that is not failing it: with {@code
   * successful_active_health_check_uneject_host} (the default), an ejected host returns at once.
   */
  public void activeHealthCheckPassed(HostMonitor monitor) {
    if (!config.successfulActiveHealthCheckUnejectHost()) {
      return;
    }
    control.execute(
        () -> {
          if (!closed && monitor.attached && monitor.isEjected()) {
            uneject(monitor, nanoClock.getAsLong());
            changed.run();
          }
        });
  }

  /** The interval tick (control thread): returns hosts, judges success rates, eases back-offs. */
  public void runInterval() {
    if (closed) {
      return;
    }
    long now = nanoClock.getAsLong();
    boolean change = false;
    for (HostMonitor m : hosts.keySet()) {
      change |= returnIfDue(m, now);
      m.closeInterval();
    }
    change |= judgeSuccessRates(false, now);
    change |= judgeSuccessRates(true, now);
    long intervalNanos = config.interval().toNanos();
    for (HostMonitor m : hosts.keySet()) {
      if (!m.isEjected() && m.everUnejected && now - m.lastUnejectionNanos >= intervalNanos
          && m.ejectTimeBackoff > 0) {
        m.ejectTimeBackoff--;
      }
    }
    if (change) {
      changed.run();
    }
  }

  private boolean returnIfDue(HostMonitor m, long now) {
    if (!m.isEjected()) {
      return false;
    }
    long base = config.baseEjectionTime().toNanos();
    long max = config.maxEjectionTime().toNanos();
    long ejectionTime = Math.min(saturatedMultiply(base, m.ejectTimeBackoff), max) + m.jitterNanos;
    if (ejectionTime <= now - m.lastEjectionNanos) {
      uneject(m, now);
      return true;
    }
    return false;
  }

  private void uneject(HostMonitor m, long now) {
    m.uneject(now);
    stats.returned();
  }

  /** Envoy's {@code ejectHost}: within the ejection limit, and if enforced, ejects. */
  private boolean eject(HostMonitor m, EjectionType type, long now) {
    int maxPercent = Math.min(100, config.maxEjectionPercent());
    double ejectedPercent = 100.0 * (stats.active() + 1) / hosts.size();
    boolean allowed = ejectedPercent <= maxPercent
        || (config.alwaysEjectOneHost() && stats.active() == 0);
    if (!allowed) {
      stats.overflowed();
      return false;
    }
    if (!enforced(type)) {
      return false;
    }
    stats.enforced(type);
    m.eject(now);
    long maxJitterMillis = config.maxEjectionTimeJitter().toMillis();
    m.jitterNanos =
        maxJitterMillis == 0 ? 0 : random.nextLong(maxJitterMillis + 1) * 1_000_000L;
    long base = config.baseEjectionTime().toNanos();
    if (saturatedMultiply(base, m.ejectTimeBackoff) < config.maxEjectionTime().toNanos() + base) {
      m.ejectTimeBackoff++;
    }
    return true;
  }

  private boolean enforced(EjectionType type) {
    int percent;
    switch (type) {
      case CONSECUTIVE_5XX -> percent = config.consecutive5xx().enforcingPercent();
      case CONSECUTIVE_GATEWAY_FAILURE ->
          percent = config.consecutiveGatewayFailure().enforcingPercent();
      case CONSECUTIVE_LOCAL_ORIGIN_FAILURE ->
          percent = config.consecutiveLocalOriginFailure().enforcingPercent();
      case SUCCESS_RATE -> percent = config.successRate().enforcing();
      case SUCCESS_RATE_LOCAL_ORIGIN -> percent = config.successRate().enforcingLocalOrigin();
      case FAILURE_PERCENTAGE -> percent = config.failurePercentage().enforcing();
      case FAILURE_PERCENTAGE_LOCAL_ORIGIN ->
          percent = config.failurePercentage().enforcingLocalOrigin();
      default -> throw new IllegalArgumentException(type.toString());
    }
    return percent >= 100 || (percent > 0 && random.nextInt(100) < percent);
  }

  /**
   * Envoy's {@code processSuccessRateEjections} for the upstream's results or the local-origin
   * ones: hosts with enough requests in the last interval are judged by success rate (against the
   * mean minus a multiple of the standard deviation) and by failure share.
   */
  private boolean judgeSuccessRates(boolean localOrigin, long now) {
    OutlierDetectionConfig.SuccessRate sr = config.successRate();
    OutlierDetectionConfig.FailurePercentage fp = config.failurePercentage();
    setSuccessRateNumbers(localOrigin, -1, -1);
    if (hosts.size() < sr.minimumHosts() && hosts.size() < fp.minimumHosts()) {
      return false;
    }
    List<HostMonitor> srHosts = new ArrayList<>();
    List<Double> srRates = new ArrayList<>();
    List<HostMonitor> fpHosts = new ArrayList<>();
    List<Double> fpRates = new ArrayList<>();
    double sum = 0;
    for (HostMonitor m : hosts.keySet()) {
      if (m.isEjected()) {
        continue;
      }
      long total = localOrigin ? m.lastLocalTotal : m.lastExternalTotal;
      long success = localOrigin ? m.lastLocalSuccess : m.lastExternalSuccess;
      if (total == 0) {
        continue;
      }
      double rate = Math.min(100.0, success * 100.0 / total);
      if (total >= Math.min(sr.requestVolume(), fp.requestVolume())) {
        m.successRate(localOrigin, rate);
      }
      if (total >= sr.requestVolume()) {
        srHosts.add(m);
        srRates.add(rate);
        sum += rate;
      }
      if (total >= fp.requestVolume()) {
        fpHosts.add(m);
        fpRates.add(rate);
      }
    }
    boolean change = false;
    if (!srHosts.isEmpty() && srHosts.size() >= sr.minimumHosts()) {
      double mean = sum / srHosts.size();
      double variance = 0;
      for (double rate : srRates) {
        variance += (rate - mean) * (rate - mean);
      }
      variance /= srHosts.size();
      double threshold = mean - (sr.stdevFactor() / 1000.0) * Math.sqrt(variance);
      setSuccessRateNumbers(localOrigin, mean, threshold);
      EjectionType type = localOrigin ? EjectionType.SUCCESS_RATE_LOCAL_ORIGIN
          : EjectionType.SUCCESS_RATE;
      for (int i = 0; i < srHosts.size(); i++) {
        if (srRates.get(i) < threshold && !srHosts.get(i).isEjected()) {
          stats.detected(type);
          change |= eject(srHosts.get(i), type, now);
        }
      }
    }
    if (!fpHosts.isEmpty() && fpHosts.size() >= fp.minimumHosts()) {
      EjectionType type = localOrigin ? EjectionType.FAILURE_PERCENTAGE_LOCAL_ORIGIN
          : EjectionType.FAILURE_PERCENTAGE;
      for (int i = 0; i < fpHosts.size(); i++) {
        if (100.0 - fpRates.get(i) >= fp.threshold() && !fpHosts.get(i).isEjected()) {
          stats.detected(type);
          change |= eject(fpHosts.get(i), type, now);
        }
      }
    }
    return change;
  }

  private void setSuccessRateNumbers(boolean localOrigin, double average, double threshold) {
    if (localOrigin) {
      localOriginSuccessRateAverage = average;
      localOriginSuccessRateThreshold = threshold;
    } else {
      successRateAverage = average;
      successRateThreshold = threshold;
    }
  }

  /** The mean success rate of the last judgement, or -1 (for {@code /clusters}). */
  public double successRateAverage() {
    return successRateAverage;
  }

  /** The ejection threshold of the last judgement, or -1 (for {@code /clusters}). */
  public double successRateEjectionThreshold() {
    return successRateThreshold;
  }

  /** The same two figures for local-origin results. */
  public double localOriginSuccessRateAverage() {
    return localOriginSuccessRateAverage;
  }

  /** The local-origin ejection threshold of the last judgement, or -1. */
  public double localOriginSuccessRateEjectionThreshold() {
    return localOriginSuccessRateThreshold;
  }

  private static long saturatedMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
  }

  /** The statistics (for tests and the cluster). */
  OutlierStats stats() {
    return stats;
  }
}
