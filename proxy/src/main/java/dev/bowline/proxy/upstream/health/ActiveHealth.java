package dev.bowline.proxy.upstream.health;

/**
 * What active health checking says of one host, with Envoy's flags: failing ({@code
 * /failed_active_hc}), not checked yet ({@code /pending_active_hc}), and failing by timeout
 * ({@code /active_hc_timeout}). As in Envoy, a host of a health-checked cluster starts failing and
 * pending, and its first passing check makes it healthy at once.
 *
 * <p><b>Threading.</b> Written by the host's check session (on its event loop), read anywhere.
 */
public final class ActiveHealth {

  private volatile boolean failed = true;
  private volatile boolean pending = true;
  private volatile boolean timedOut;

  /** Whether the host fails active health checking (or has not passed a check yet). */
  public boolean isFailed() {
    return failed;
  }

  /** Whether no check of the host has finished yet. */
  public boolean isPending() {
    return pending;
  }

  /** Whether the host fails and its last check timed out. */
  public boolean isTimedOut() {
    return timedOut;
  }

  void failed(boolean value) {
    failed = value;
  }

  void pending(boolean value) {
    pending = value;
  }

  void timedOut(boolean value) {
    timedOut = value;
  }
}
