package dev.bowline.proxy.filter.fault;

import dev.bowline.proxy.filter.Percentage;
import dev.bowline.proxy.route.RequestView;
import dev.bowline.proxy.route.RouteConfigParts.RequestCondition;
import java.time.Duration;

/**
 * A compiled Envoy {@code HTTPFault}: which requests it concerns ({@code headers}), a fixed delay
 * injected into a share of them before they go upstream, and an abort (an HTTP status, or a gRPC
 * status in an HTTP 200) answered to a share of them instead. The delay and the abort are drawn
 * independently, as in Envoy: a request may be delayed, then aborted.
 *
 * <p>Immutable and thread-safe; drawing never blocks.
 */
public final class FaultConfig {

  /** No fault: what Istio puts in the connection manager's filter (routes say what to inject). */
  public static final FaultConfig NONE =
      new FaultConfig(RequestCondition.ANY, Duration.ZERO, Percentage.NEVER, null, Percentage.NEVER);

  /**
   * An abort: the reply's HTTP status, or a gRPC status (answered in an HTTP 200, as Envoy does).
   *
   * @param httpStatus 200 to 599, or 200 for a gRPC abort
   * @param grpcStatus the gRPC status code, or -1 for an HTTP abort
   */
  public record Abort(int httpStatus, int grpcStatus) {

    /** An HTTP abort. */
    public static Abort http(int status) {
      return new Abort(status, -1);
    }

    /** A gRPC abort: HTTP 200 with {@code grpc-status}. */
    public static Abort grpc(int status) {
      return new Abort(200, status);
    }

    /** Whether the abort is a gRPC status. */
    public boolean isGrpc() {
      return grpcStatus >= 0;
    }
  }

  private final RequestCondition headers;
  private final Duration delay;
  private final Percentage delayPercentage;
  private final Abort abort;
  private final Percentage abortPercentage;

  FaultConfig(
      RequestCondition headers,
      Duration delay,
      Percentage delayPercentage,
      Abort abort,
      Percentage abortPercentage) {
    this.headers = headers;
    this.delay = delay;
    this.delayPercentage = delayPercentage;
    this.abort = abort;
    this.abortPercentage = abortPercentage;
  }

  /** Whether nothing is ever injected (no delay and no abort configured). */
  public boolean isEmpty() {
    return delay.isZero() && abort == null;
  }

  /** Whether the request is one the faults concern (its headers match every matcher). */
  public boolean concerns(RequestView request) {
    return headers.matches(request);
  }

  /** The delay drawn for one request: the fixed delay for its share of requests, else zero. */
  public Duration drawDelay() {
    return !delay.isZero() && delayPercentage.sample() ? delay : Duration.ZERO;
  }

  /** The abort drawn for one request: the configured abort for its share of requests, else null. */
  public Abort drawAbort() {
    return abort != null && abortPercentage.sample() ? abort : null;
  }

  /** The configured delay (zero for none). */
  public Duration delay() {
    return delay;
  }

  /** The configured abort, or null. */
  public Abort abort() {
    return abort;
  }

  @Override
  public String toString() {
    return "fault{delay " + delay.toMillis() + "ms @" + delayPercentage + ", abort " + abort + " @"
        + abortPercentage + "}";
  }
}
