package dev.bowline.proxy.http;

import dev.bowline.proxy.route.RetryPolicy;
import dev.bowline.proxy.upstream.Cluster;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.UpstreamHost;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The retry bookkeeping of one request under its route's retry policy, as Envoy's retry state
 * keeps it: whether an outcome is retried, how many retries are left, the cluster's {@code
 * max_retries} circuit breaker, the retry counters, the jittered exponential back-off and the hosts
 * already tried.
 *
 * <p>Each outcome of a try goes through one decision: not retriable ({@link Decision#NO_RETRY}),
 * retriable but {@code num_retries} used up ({@link Decision#LIMIT_EXCEEDED}, counted as {@code
 * upstream_rq_retry_limit_exceeded}; flag {@code URX}), retriable but the breaker is full ({@link
 * Decision#OVERFLOW}, counted as {@code upstream_rq_retry_overflow}; flag {@code UO}), or {@link
 * Decision#RETRY} (counted as {@code upstream_rq_retry}). A retry holds its place in the breaker
 * from that decision until the next one, which tells its outcome (a not-retriable outcome then
 * counts {@code upstream_rq_retry_success}), or until {@link #close()}.
 *
 * <p>As a {@link PickContext} it excludes the hosts of earlier tries when the policy has Envoy's
 * {@code previous_hosts} retry predicate (which Istio sets, except on routes to a consistent-hash
 * destination); the pickers still return an excluded host when no other is left. Without it, as
 * in Envoy, nothing is excluded.
 *
 * <p><b>Threading.</b> Confined to the request's event loop.
 */
final class RetryState implements PickContext {

  /** What to do about one outcome of a try. */
  enum Decision {
    RETRY,
    NO_RETRY,
    LIMIT_EXCEEDED,
    OVERFLOW
  }

  private final RetryPolicy policy;
  private final Cluster cluster;
  private final List<UpstreamHost> tried = new ArrayList<>(2);
  private final long maxBackOffMicros;
  private long nextBackOffMicros;
  private int retriesLeft;
  private boolean holdsRetry;

  RetryState(RetryPolicy policy, Cluster cluster) {
    this.policy = policy;
    this.cluster = cluster;
    this.retriesLeft = policy.numRetries();
    this.nextBackOffMicros = Math.max(1, policy.backOffBase().toNanos() / 1000);
    this.maxBackOffMicros = Math.max(nextBackOffMicros, policy.backOffMax().toNanos() / 1000);
  }

  /** The policy this state follows. */
  RetryPolicy policy() {
    return policy;
  }

  /** Whether a retry could still be granted (retries left); used to decide whether to buffer. */
  boolean mayRetry() {
    return retriesLeft > 0;
  }

  /** Decides about a try whose response head came with {@code status} and {@code headers}. */
  Decision onResponse(int status, HttpHeaders headers) {
    return decide(
        policy.retriesResponse(status, grpcStatus(headers), headers.contains("x-envoy-ratelimited")));
  }

  /** Decides about a try that ended with {@code failure} before any response head. */
  Decision onFailure(RetryPolicy.UpstreamFailure failure) {
    return decide(policy.retriesFailure(failure));
  }

  /** Decides about an outcome that is never retried (a circuit breaker refused the try). */
  Decision onNotRetriable() {
    return decide(false);
  }

  private Decision decide(boolean retriable) {
    if (holdsRetry) {
      if (!retriable) {
        cluster.stats().retrySucceeded();
      }
      releaseRetry();
    }
    if (!retriable) {
      return Decision.NO_RETRY;
    }
    if (retriesLeft == 0) {
      cluster.stats().retryLimitExceeded();
      return Decision.LIMIT_EXCEEDED;
    }
    retriesLeft--;
    if (!cluster.tryStartRetry()) {
      return Decision.OVERFLOW;
    }
    holdsRetry = true;
    return Decision.RETRY;
  }

  /**
   * The wait before the next retry, in microseconds: Envoy's fully jittered exponential back-off,
   * a random time below an interval that starts at the base, doubles with each retry and stops at
   * the maximum.
   */
  long nextBackOffMicros() {
    long interval = nextBackOffMicros;
    nextBackOffMicros = interval < maxBackOffMicros / 2 ? interval * 2 : maxBackOffMicros;
    return Math.min(ThreadLocalRandom.current().nextLong(interval), maxBackOffMicros);
  }

  /** Records that a try went to {@code host}; later picks avoid it when they can. */
  void tried(UpstreamHost host) {
    if (!tried.contains(host)) {
      tried.add(host);
    }
  }

  @Override
  public boolean isExcluded(UpstreamHost host) {
    return policy.avoidsTriedHosts() && tried.contains(host);
  }

  /** The request ends (or stops retrying): gives back a retry's place in the breaker. */
  void close() {
    if (holdsRetry) {
      releaseRetry();
    }
  }

  private void releaseRetry() {
    holdsRetry = false;
    cluster.finishRetry();
  }

  /** The {@code grpc-status} of a response head, or -1 when it has none (or not a number). */
  static int grpcStatus(HttpHeaders headers) {
    String value = headers.get("grpc-status");
    if (value == null || value.isEmpty() || value.length() > 9) {
      return -1;
    }
    int code = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      code = code * 10 + (c - '0');
    }
    return code;
  }
}
