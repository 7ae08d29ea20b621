package dev.bowline.proxy.upstream.health;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Reads one check's response, whatever the HTTP version it came in, and judges it once it is
 * complete.
 *
 * <p><b>Threading.</b> One per check, on the session's event loop.
 */
interface ResponseJudge {

  /** The response head. */
  void head(HttpResponse response);

  /** A piece of the body; the judge neither keeps nor releases it. */
  void content(ByteBuf piece);

  /** The response is complete ({@code trailers} may be empty). */
  Verdict end(HttpHeaders trailers);
}
