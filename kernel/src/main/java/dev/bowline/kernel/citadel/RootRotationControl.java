package dev.bowline.kernel.citadel;

/**
 * Starts and follows a root rotation of Citadel's CA ({@code bowlinectl ca rotate}).
 *
 * <p><b>Threading.</b> Thread-safe; never blocks on the rotation itself, which runs in the
 * background.
 */
public interface RootRotationControl {

  /**
   * Starts a rotation, or returns the status of the one under way.
   *
   * @throws UnsupportedOperationException the CA does not rotate its own root, with the reason
   */
  RootRotationStatus start();

  /** Where the rotation stands. */
  RootRotationStatus status();
}
