package dev.bowline.spi.platform;

/**
 * A running watch on one platform. The host starts it once and closes it once.
 *
 * <p><b>Threading.</b> {@link #start(RegistrySink)} and {@link #close()} are called from a host
 * thread, not concurrently with each other. The adapter runs its watch on its own threads (or on
 * {@link dev.bowline.spi.plugin.PluginContext#scheduler()}) and may call the sink from any of them.
 */
public interface PlatformAdapter extends AutoCloseable {

  /**
   * Starts watching and returns without waiting for the first result. The adapter calls
   * {@link RegistrySink#replace(PlatformSnapshot)} with its complete view whenever it changes,
   * and {@link RegistrySink#failed(String)} when it loses its view of the platform.
   */
  void start(RegistrySink sink);

  /** Stops watching and releases resources. After this the adapter never calls the sink again. */
  @Override
  void close();
}
