package dev.bowline.proxy.upstream;

/**
 * Why an upstream request ended before its response completed, in the terms a retry policy tells
 * them apart (Envoy's stream reset reasons).
 */
public enum UpstreamResetReason {
  /** The connection closed under the request. */
  CONNECTION_TERMINATION,
  /** The upstream reset the stream with {@code REFUSED_STREAM}: it did not process the request. */
  REFUSED_STREAM,
  /** The upstream reset the stream with another error code. */
  REMOTE_RESET,
  /** What the upstream sent could not be read as a response. */
  PROTOCOL_ERROR
}
