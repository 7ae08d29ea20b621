package dev.bowline.proxy.filter;

import dev.bowline.proxy.filter.BuiltinFilters.Kind;
import dev.bowline.proxy.filter.cors.CorsConfig;
import dev.bowline.proxy.filter.fault.FaultConfig;
import dev.bowline.proxy.filter.ratelimit.LocalRateLimiter;
import dev.bowline.proxy.filter.ratelimit.RateLimitPolicy;
import dev.bowline.proxy.route.MutableHeaders;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request's pass through the built-in filters, after routing and before the route's action
 * (the upstream, a redirect or a direct response), in the connection manager's order:
 *
 * <ul>
 *   <li><b>CORS</b> answers a preflight itself, or remembers an allowed origin so that {@link
 *       #addResponseHeaders} puts the {@code access-control-*} headers on whatever answer the
 *       request gets, a local reply included;
 *   <li><b>fault</b> waits the drawn delay on a timer of the request's event loop (the thread is
 *       never held; the request body waits, the route timeout has not started) and flags {@code
 *       DI}, then answers a drawn abort itself with flag {@code FI};
 *   <li><b>local rate limit</b> answers a request over the limit itself (429, {@code
 *       x-envoy-ratelimited: true}, flag {@code RL}).
 * </ul>
 *
 * When every filter let the request through, {@link Exchange#proceed()} carries on with the
 * route's action.
 *
 * <p><b>Threading.</b> Confined to the request's event loop, the delay timer included.
 */
public final class RouteFilterStage {

  /** What the stage needs from the exchange it runs for. Called on the event loop. */
  public interface Exchange {

    /** The request's event loop, for the delay timer. */
    ScheduledExecutorService eventLoop();

    /** Stops reading the request body while a delay runs (it waits, buffered). */
    void pauseRequestBody();

    /** Every filter let the request through: carry on with the route's action. */
    void proceed();

    /** A filter answers the request. */
    void reply(LocalReply reply);
  }

  static final String FAULT_ABORT_BODY = "fault filter abort";
  static final String RATE_LIMITED_BODY = "local_rate_limited";

  private final Kind[] order;
  private final FaultConfig fault;
  private final CorsConfig cors;
  private final LocalRateLimiter rateLimit;
  private final List<RateLimitPolicy> routeRateLimits;
  private final BuiltinFilters.Stats stats;
  private FilterRequest request;
  private Exchange exchange;
  private int next;
  private ScheduledFuture<?> delay;
  private boolean delayInjected;
  private boolean cancelled;
  /** The origin of an allowed CORS request, whose answer gets the CORS headers; else null. */
  private String corsOrigin;

  RouteFilterStage(
      Kind[] order,
      FaultConfig fault,
      CorsConfig cors,
      LocalRateLimiter rateLimit,
      List<RateLimitPolicy> routeRateLimits,
      BuiltinFilters.Stats stats) {
    this.order = order;
    this.fault = fault;
    this.cors = cors;
    this.rateLimit = rateLimit;
    this.routeRateLimits = routeRateLimits;
    this.stats = stats;
  }

  /**
   * Runs the filters from the first, for {@code request} on behalf of {@code exchange}; ends in
   * {@link Exchange#proceed} or a reply, maybe later (after a delay). Called once.
   */
  public void start(FilterRequest request, Exchange exchange) {
    this.request = request;
    this.exchange = exchange;
    advance();
  }

  private void advance() {
    while (next < order.length && !cancelled) {
      Kind kind = order[next++];
      boolean goOn =
          switch (kind) {
            case CORS -> cors();
            case FAULT -> fault();
            case LOCAL_RATE_LIMIT -> rateLimit();
          };
      if (!goOn) {
        return;
      }
    }
    if (!cancelled) {
      exchange.proceed();
    }
  }

  private boolean cors() {
    if (cors == null) {
      return true;
    }
    String origin = request.firstHeader("origin");
    CorsConfig.Verdict verdict =
        cors.decide(
            request.view().method(), origin, request.firstHeader("access-control-request-method"));
    switch (verdict) {
      case ORIGIN_NOT_ALLOWED -> stats.originInvalid().increment();
      case REFUSE_PREFLIGHT -> {
        stats.originInvalid().increment();
        exchange.reply(new LocalReply(200, "", LocalReply.NO_FLAG, h -> {}));
        return false;
      }
      case ANSWER_PREFLIGHT -> {
        stats.originValid().increment();
        exchange.reply(
            new LocalReply(200, "", LocalReply.NO_FLAG, h -> cors.addPreflightHeaders(h, origin)));
        return false;
      }
      case ALLOWED -> {
        stats.originValid().increment();
        corsOrigin = origin;
      }
      default -> {}
    }
    return true;
  }

  private boolean fault() {
    if (fault == null || !fault.concerns(request.view())) {
      return true;
    }
    Duration d = fault.drawDelay();
    if (d.isZero()) {
      return abortOrGoOn();
    }
    delayInjected = true;
    stats.delaysInjected().increment();
    exchange.pauseRequestBody();
    delay = exchange.eventLoop().schedule(this::delayOver, d.toNanos(), TimeUnit.NANOSECONDS);
    return false;
  }

  private void delayOver() {
    delay = null;
    if (!cancelled && abortOrGoOn()) {
      advance();
    }
  }

  private boolean abortOrGoOn() {
    FaultConfig.Abort abort = fault.drawAbort();
    if (abort == null) {
      return true;
    }
    stats.abortsInjected().increment();
    exchange.reply(
        LocalReply.of(
            request, abort.httpStatus(), abort.grpcStatus(), FAULT_ABORT_BODY,
            LocalReply.FAULT_INJECTED, null));
    return false;
  }

  private boolean rateLimit() {
    if (rateLimit == null
        || rateLimit.decide(request, routeRateLimits) != LocalRateLimiter.Outcome.LIMITED) {
      return true;
    }
    exchange.reply(
        LocalReply.of(
            request,
            rateLimit.status(),
            rateLimit.grpcStatus(),
            RATE_LIMITED_BODY,
            LocalReply.RATE_LIMITED,
            h -> {
              h.set("x-envoy-ratelimited", "true");
              rateLimit.responseHeaders().apply(h, request.format());
            }));
    return false;
  }

  /** The request is over (answered, or its client gone): a running delay is dropped. */
  public void cancel() {
    cancelled = true;
    if (delay != null) {
      delay.cancel(false);
      delay = null;
    }
  }

  /** Whether a delay was injected ({@code DI} goes with the request's response flags). */
  public boolean delayInjected() {
    return delayInjected;
  }

  /** Adds the CORS headers an allowed request's answer carries (nothing otherwise). */
  public void addResponseHeaders(MutableHeaders headers) {
    if (corsOrigin != null) {
      cors.addResponseHeaders(headers, corsOrigin);
    }
  }
}
