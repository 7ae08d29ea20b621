package dev.bowline.proxy.http;

import dev.bowline.spi.filter.FilterStatus;
import dev.bowline.spi.filter.HttpFilter;
import dev.bowline.spi.filter.HttpFilterCallbacks;
import dev.bowline.spi.filter.HttpResponseHead;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's pass through the HTTP filter chain: calls each filter's request hook in order,
 * stops at a local reply, waits when a filter pauses, and tells the exchange to route when every
 * filter has continued. Response hooks run in reverse order when the response head arrives.
 *
 * <p><b>Threading.</b> Runs on the request's event loop; {@link #resume()} and
 * {@link #sendLocalReply} hop onto it from whatever thread a filter calls them on.
 */
final class FilterRun implements HttpFilterCallbacks {

  private static final Logger log = LoggerFactory.getLogger(FilterRun.class);

  /** What the run reports to its exchange. Called on the event loop. */
  interface Outcome {
    /** Every filter continued: route the request. */
    void continueToRouter();

    /** A filter answered the request. */
    void localReply(int status, String body, Map<String, String> headers, String responseFlag);
  }

  private final List<HttpFilter> filters;
  private final FilterRequestHead head;
  private final EventLoop loop;
  private final Outcome outcome;
  private Map<String, Object> attributes;
  private int next;
  private boolean paused;
  private boolean finished;

  FilterRun(HttpFilterChain chain, FilterRequestHead head, EventLoop loop, Outcome outcome) {
    this.filters = chain.filters();
    this.head = head;
    this.loop = loop;
    this.outcome = outcome;
  }

  /** Runs the chain from the first filter. */
  void start() {
    advance();
  }

  private void advance() {
    while (next < filters.size() && !finished) {
      HttpFilter filter = filters.get(next++);
      FilterStatus status;
      try {
        status = filter.onRequest(head, this);
      } catch (RuntimeException e) {
        log.warn("HTTP filter {} failed on a request", filter.getClass().getName(), e);
        reply(500, "filter error", Map.of(), "-");
        return;
      }
      if (status == FilterStatus.PAUSE) {
        paused = true;
        return;
      }
      if (status == FilterStatus.STOP) {
        if (!finished) {
          reply(500, "filter stopped the request without a reply", Map.of(), "-");
        }
        return;
      }
    }
    if (!finished) {
      finished = true;
      outcome.continueToRouter();
    }
  }

  @Override
  public void resume() {
    loop.execute(
        () -> {
          if (paused && !finished) {
            paused = false;
            advance();
          }
        });
  }

  @Override
  public void sendLocalReply(int status, String body, Map<String, String> headers, String responseFlag) {
    Map<String, String> copy = Map.copyOf(headers);
    if (loop.inEventLoop()) {
      reply(status, body, copy, responseFlag);
    } else {
      loop.execute(() -> reply(status, body, copy, responseFlag));
    }
  }

  private void reply(int status, String body, Map<String, String> headers, String flag) {
    if (finished) {
      return;
    }
    finished = true;
    outcome.localReply(status, body, headers, flag == null || flag.isEmpty() ? "-" : flag);
  }

  @Override
  public Map<String, Object> attributes() {
    if (attributes == null) {
      attributes = new HashMap<>();
    }
    return attributes;
  }

  /** Runs the response hooks, last filter first. A hook's PAUSE or STOP is not honoured there. */
  void onResponse(HttpResponse response) {
    HttpResponseHead view =
        new HttpResponseHead() {
          @Override
          public int status() {
            return response.status().code();
          }

          @Override
          public dev.bowline.spi.filter.HttpHeaders headers() {
            return new FilterHeaders(response.headers());
          }
        };
    for (int i = filters.size() - 1; i >= 0; i--) {
      try {
        filters.get(i).onResponse(head, view, this);
      } catch (RuntimeException e) {
        log.warn("HTTP filter {} failed on a response", filters.get(i).getClass().getName(), e);
      }
    }
  }
}
