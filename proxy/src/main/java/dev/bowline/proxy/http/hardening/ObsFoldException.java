package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.DecoderException;

/** The failure cause {@link HardenedHttpServerCodec} sets on a request head that used obs-fold. */
final class ObsFoldException extends DecoderException {

  private static final long serialVersionUID = 1L;

  ObsFoldException() {
    super("obs-fold (a header line starting with whitespace) is not allowed");
  }
}
