package dev.bowline.proxy.upstream.health;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * The request an HTTP or gRPC check sends and how its response is judged.
 *
 * <p>Immutable; one per health checker, shared by its sessions.
 */
interface CheckExchange {

  /** A new request (the caller sends it and thereby releases it). */
  FullHttpRequest newRequest(ByteBufAllocator alloc);

  /** A judge for one response. */
  ResponseJudge newJudge();
}
