package dev.bowline.proxy.upstream.health;

/** What a complete answer to a check says about the host. */
enum Verdict {
  /** The host passes. */
  PASS,
  /** The host fails at once (Envoy: an active failure that is not retriable). */
  FAIL,
  /** The failure only counts toward the unhealthy threshold (a retriable HTTP status). */
  FAIL_RETRIABLE
}
