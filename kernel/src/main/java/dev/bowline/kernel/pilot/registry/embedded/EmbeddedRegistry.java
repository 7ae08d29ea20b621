package dev.bowline.kernel.pilot.registry.embedded;

import dev.bowline.kernel.pilot.config.ConfigSnapshot;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.spi.platform.RegistrySink;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in registry source that needs nothing installed: ServiceEntries and WorkloadEntries
 * from the config store plus self-registered sidecars, converted by {@link
 * ServiceEntryConversion} and reported to the aggregate through a {@link RegistrySink}.
 *
 * <p>Thread-safe: {@link #configChanged} and {@link #registrationsChanged} may be called from any
 * thread; each recomputes the whole view (cheap: a few thousand entries at most) and replaces it.
 */
public final class EmbeddedRegistry {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRegistry.class);

  /** The name of this source in the aggregate. */
  public static final String SOURCE = "embedded";

  private final MeshSettings mesh;
  private final SelfRegistrations registrations;
  private final RegistrySink sink;
  private ConfigSnapshot config = ConfigSnapshot.EMPTY;

  public EmbeddedRegistry(MeshSettings mesh, SelfRegistrations registrations, RegistrySink sink) {
    this.mesh = Objects.requireNonNull(mesh, "mesh");
    this.registrations = Objects.requireNonNull(registrations, "registrations");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** Takes a new config snapshot into account. */
  public void configChanged(ConfigSnapshot snapshot) {
    synchronized (this) {
      config = snapshot;
    }
    recompute();
  }

  /** Takes the current self-registrations into account. */
  public void registrationsChanged() {
    recompute();
  }

  // Synchronized so that two recomputations never publish out of order; the sink's listeners
  // only schedule a push and return.
  private synchronized void recompute() {
    ConfigSnapshot current = config;
    try {
      sink.replace(ServiceEntryConversion.convert(current, registrations.all(), mesh));
    } catch (RuntimeException e) {
      // The config store validated every resource; a failure here is a bug, not bad input.
      log.error("embedded registry: cannot convert config revision {}", current.revision(), e);
      sink.failed("conversion failed: " + e.getMessage());
    }
  }
}
