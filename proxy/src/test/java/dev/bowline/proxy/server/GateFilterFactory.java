package dev.bowline.proxy.server;

import dev.bowline.spi.filter.FilterStatus;
import dev.bowline.spi.filter.HttpFilter;
import dev.bowline.spi.filter.HttpFilterCallbacks;
import dev.bowline.spi.filter.HttpFilterFactory;
import dev.bowline.spi.filter.HttpRequestHead;
import dev.bowline.spi.filter.HttpResponseHead;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.PluginContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test HTTP filter, as a plugin would write one: {@code /gate/deny...} is answered 403 with flag
 * UAEX; {@code /gate/async...} pauses, and another thread resumes it 50 ms later after setting a
 * header; everything else gets a header and continues. Responses get {@code x-gate-response}.
 */
final class GateFilterFactory implements HttpFilterFactory<String> {

  static final String NAME = "test.filters.gate";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ConfigOrError<String> parseConfig(Map<String, ?> raw) {
    Object tag = raw.get("tag");
    return tag instanceof String s ? ConfigOrError.of(s) : ConfigOrError.error("tag", "is required: a string");
  }

  @Override
  public HttpFilter newFilter(String tag, PluginContext context) {
    return new HttpFilter() {
      @Override
      public FilterStatus onRequest(HttpRequestHead request, HttpFilterCallbacks callbacks) {
        if (request.path().startsWith("/gate/deny")) {
          callbacks.sendLocalReply(403, "denied by " + tag, Map.of("x-denied-by", tag), "UAEX");
          return FilterStatus.STOP;
        }
        if (request.path().startsWith("/gate/async")) {
          CompletableFuture.runAsync(
              () -> {
                request.headers().set("x-gate", "async-" + tag);
                callbacks.resume();
              },
              CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
          return FilterStatus.PAUSE;
        }
        request.headers().set("x-gate", "passed-" + tag);
        return FilterStatus.CONTINUE;
      }

      @Override
      public FilterStatus onResponse(
          HttpRequestHead request, HttpResponseHead response, HttpFilterCallbacks callbacks) {
        response.headers().set("x-gate-response", tag);
        return FilterStatus.CONTINUE;
      }
    };
  }
}
