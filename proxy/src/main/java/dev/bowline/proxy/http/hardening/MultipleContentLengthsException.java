package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.DecoderException;

/**
 * The failure cause {@link HardenedHttpServerCodec} sets on a request head with more than one
 * Content-Length field. Netty rejects those itself only for HTTP/1.1; on HTTP/1.0 it keeps the
 * first value and silently rewrites the header, hiding the conflict from later checks.
 */
final class MultipleContentLengthsException extends DecoderException {

  private static final long serialVersionUID = 1L;

  MultipleContentLengthsException() {
    super("more than one Content-Length field");
  }
}
