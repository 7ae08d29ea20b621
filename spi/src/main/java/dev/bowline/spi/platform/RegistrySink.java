package dev.bowline.spi.platform;

/**
 * Where a {@link PlatformAdapter} reports what it sees. Implemented by Pilot's aggregate registry,
 * which merges the views of all adapters.
 *
 * <p><b>Threading.</b> Thread-safe; calls return quickly (Pilot debounces and translates later).
 */
public interface RegistrySink {

  /**
   * Replaces everything this adapter reported before with {@code snapshot} (state of the world,
   * as xDS does): a service missing from it is gone.
   */
  void replace(PlatformSnapshot snapshot);

  /**
   * Says the adapter cannot currently see the platform. Pilot keeps serving the last snapshot and
   * shows {@code reason} to the operator.
   */
  void failed(String reason);
}
