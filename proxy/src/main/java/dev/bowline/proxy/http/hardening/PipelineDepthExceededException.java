package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.DecoderException;

/**
 * The failure cause {@link HardenedHttpServerCodec} sets on a request that arrived while the
 * maximum number of requests were already waiting for their responses.
 */
final class PipelineDepthExceededException extends DecoderException {

  private static final long serialVersionUID = 1L;

  PipelineDepthExceededException(int maxPipelineDepth) {
    super("more than " + maxPipelineDepth + " requests pipelined ahead of their responses");
  }
}
