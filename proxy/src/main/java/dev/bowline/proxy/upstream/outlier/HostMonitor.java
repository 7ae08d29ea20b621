package dev.bowline.proxy.upstream.outlier;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One host's outlier-detection state, as Envoy's {@code DetectorHostMonitorImpl} keeps it: the
 * failures in a row of each kind and the requests of the current interval (counted on the request
 * path), and the ejection state (kept by the {@link OutlierDetector}).
 *
 * <p>Without split errors every outcome becomes an HTTP status, as in Envoy: a connect failure or
 * reset is a 503, a timeout a 504, a gRPC status its HTTP mapping. With split errors, connect
 * failures and timeouts are local-origin failures, counted apart, and a connection counts as a
 * local-origin success.
 *
 * <p><b>Threading.</b> The {@link HostOutcomes} methods run on any event loop, concurrently: they
 * update atomic counters and, when a threshold is reached exactly, hand the detection to the
 * detector's control thread. The ejection state is written on the control thread only and read
 * anywhere.
 */
public final class HostMonitor implements HostOutcomes {

  private final OutlierDetector detector;
  private final AtomicInteger consecutive5xx = new AtomicInteger();
  private final AtomicInteger consecutiveGatewayFailure = new AtomicInteger();
  private final AtomicInteger consecutiveLocalOriginFailure = new AtomicInteger();
  private final LongAdder externalTotal = new LongAdder();
  private final LongAdder externalSuccess = new LongAdder();
  private final LongAdder localTotal = new LongAdder();
  private final LongAdder localSuccess = new LongAdder();

  // Ejection state: written on the control thread.
  private volatile boolean ejected;
  private volatile int ejections;
  private volatile double successRate = -1;
  private volatile double localOriginSuccessRate = -1;
  int ejectTimeBackoff;
  long lastEjectionNanos;
  long lastUnejectionNanos;
  boolean everUnejected;
  long jitterNanos;
  boolean attached;
  // The last interval's volumes (control thread only).
  long lastExternalTotal;
  long lastExternalSuccess;
  long lastLocalTotal;
  long lastLocalSuccess;

  HostMonitor(OutlierDetector detector) {
    this.detector = detector;
  }

  /** Whether the host is ejected now. */
  public boolean isEjected() {
    return ejected;
  }

  /** How many times the host has been ejected. */
  public int ejections() {
    return ejections;
  }

  /** The success rate of the last interval in percent, or -1 when it had too few requests. */
  public double successRate() {
    return successRate;
  }

  /** The same for local-origin results (split errors only). */
  public double localOriginSuccessRate() {
    return localOriginSuccessRate;
  }

  @Override
  public void connected() {
    if (detector.config().splitExternalLocalOriginErrors()) {
      localOriginSuccess();
    }
    // Without the split, Envoy maps a connection success to no HTTP status at all.
  }

  @Override
  public void connectedFinal() {
    if (detector.config().splitExternalLocalOriginErrors()) {
      localOriginSuccess();
    } else {
      httpStatus(200);
    }
  }

  @Override
  public void connectFailed() {
    if (detector.config().splitExternalLocalOriginErrors()) {
      localOriginFailure();
    } else {
      httpStatus(503);
    }
  }

  @Override
  public void timedOut() {
    if (detector.config().splitExternalLocalOriginErrors()) {
      localOriginFailure();
    } else {
      httpStatus(504);
    }
  }

  @Override
  public void responded(int status, CharSequence grpcStatus) {
    httpStatus(grpcStatus == null ? status : GrpcHttpStatus.of(grpcStatus));
  }

  /** Envoy's {@code putHttpResponseCode}. */
  void httpStatus(int status) {
    externalTotal.increment();
    if (status >= 500 && status < 600) {
      if (status == 502 || status == 503 || status == 504) {
        if (consecutiveGatewayFailure.incrementAndGet()
            == detector.config().consecutiveGatewayFailure().threshold()) {
          detector.consecutiveFailures(this, EjectionType.CONSECUTIVE_GATEWAY_FAILURE);
        }
      } else {
        consecutiveGatewayFailure.set(0);
      }
      if (consecutive5xx.incrementAndGet() == detector.config().consecutive5xx().threshold()) {
        detector.consecutiveFailures(this, EjectionType.CONSECUTIVE_5XX);
      }
    } else {
      externalSuccess.increment();
      consecutive5xx.set(0);
      consecutiveGatewayFailure.set(0);
    }
  }

  private void localOriginFailure() {
    localTotal.increment();
    if (consecutiveLocalOriginFailure.incrementAndGet()
        == detector.config().consecutiveLocalOriginFailure().threshold()) {
      detector.consecutiveFailures(this, EjectionType.CONSECUTIVE_LOCAL_ORIGIN_FAILURE);
    }
  }

  private void localOriginSuccess() {
    localTotal.increment();
    localSuccess.increment();
    consecutiveLocalOriginFailure.set(0);
  }

  // ---- the detector's side (control thread) ----------------------------------------------------

  void resetCounter(EjectionType type) {
    switch (type) {
      case CONSECUTIVE_5XX -> consecutive5xx.set(0);
      case CONSECUTIVE_GATEWAY_FAILURE -> consecutiveGatewayFailure.set(0);
      case CONSECUTIVE_LOCAL_ORIGIN_FAILURE -> consecutiveLocalOriginFailure.set(0);
      default -> {}
    }
  }

  void eject(long nowNanos) {
    ejected = true;
    ejections++;
    lastEjectionNanos = nowNanos;
  }

  void uneject(long nowNanos) {
    ejected = false;
    everUnejected = true;
    lastUnejectionNanos = nowNanos;
    consecutive5xx.set(0);
    consecutiveGatewayFailure.set(0);
    consecutiveLocalOriginFailure.set(0);
  }

  /** Closes the current interval's request counts (Envoy swaps its success-rate buckets). */
  void closeInterval() {
    lastExternalTotal = externalTotal.sumThenReset();
    lastExternalSuccess = externalSuccess.sumThenReset();
    lastLocalTotal = localTotal.sumThenReset();
    lastLocalSuccess = localSuccess.sumThenReset();
    successRate = -1;
    localOriginSuccessRate = -1;
  }

  void successRate(boolean localOrigin, double rate) {
    if (localOrigin) {
      localOriginSuccessRate = rate;
    } else {
      successRate = rate;
    }
  }
}
