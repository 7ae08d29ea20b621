package dev.bowline.proxy.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Decides where a request goes. Implemented over the compiled route table of a connection
 * manager's route configuration.
 *
 * <p><b>Threading.</b> Immutable; called on event loops concurrently; never blocks.
 */
interface HttpRouter {

  /**
   * Routes {@code request} (its URI already normalized) that arrived on {@code downstream} over
   * {@code scheme} ({@code http} or {@code https}).
   */
  RouteDecision decide(HttpRequest request, Channel downstream, String scheme);
}
