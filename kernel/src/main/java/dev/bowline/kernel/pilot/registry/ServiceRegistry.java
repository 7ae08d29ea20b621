package dev.bowline.kernel.pilot.registry;

import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.Workload;
import dev.bowline.spi.platform.PlatformSnapshot;
import dev.bowline.spi.platform.RegistrySink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pilot's one view of the mesh: the services, endpoints and workloads of every registry source
 * (the embedded registry and each platform adapter plugin) merged into one {@link
 * PlatformSnapshot}, Istio's aggregate controller in small.
 *
 * <p>Each source gets its own {@link RegistrySink} from {@link #sink(String)} and reports its
 * complete view through it. A hostname reported by two sources is taken from the source
 * registered first (the embedded registry is registered first, so an operator's ServiceEntry wins
 * over a platform's service of the same name); the conflict is kept in {@link #conflicts()} for
 * the operator. A source that reports {@link RegistrySink#failed} keeps its last view.
 *
 * <p>Thread-safe: sinks may be called from any thread. Listeners run on the reporting thread,
 * after the merged view is published, outside the registry's lock; they must not block.
 */
public final class ServiceRegistry {

  private static final Logger log = LoggerFactory.getLogger(ServiceRegistry.class);

  private final Map<String, PlatformSnapshot> sources = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final List<Consumer<PlatformSnapshot>> listeners = new CopyOnWriteArrayList<>();
  private volatile PlatformSnapshot merged = PlatformSnapshot.EMPTY;
  private volatile List<String> conflicts = List.of();

  /** Creates an empty registry. */
  public ServiceRegistry() {}

  /**
   * Registers a source and returns the sink it reports through. Sources merge in registration
   * order.
   *
   * @throws IllegalArgumentException a source of that name is registered already
   */
  public synchronized RegistrySink sink(String source) {
    Objects.requireNonNull(source, "source");
    if (sources.containsKey(source)) {
      throw new IllegalArgumentException("registry source '" + source + "' is registered twice");
    }
    sources.put(source, PlatformSnapshot.EMPTY);
    return new RegistrySink() {
      @Override
      public void replace(PlatformSnapshot snapshot) {
        update(source, Objects.requireNonNull(snapshot, "snapshot"));
      }

      @Override
      public void failed(String reason) {
        synchronized (ServiceRegistry.this) {
          failures.put(source, reason);
        }
        log.warn("registry source {} failed, keeping its last view: {}", source, reason);
      }
    };
  }

  /** Calls {@code listener} with the merged view after every change. */
  public void addListener(Consumer<PlatformSnapshot> listener) {
    listeners.add(listener);
  }

  /** The merged view now. */
  public PlatformSnapshot snapshot() {
    return merged;
  }

  /** Hostnames reported by more than one source, with which source won. */
  public List<String> conflicts() {
    return conflicts;
  }

  /** Sources that reported a failure they have not recovered from, with the reason. */
  public synchronized Map<String, String> failures() {
    return Map.copyOf(failures);
  }

  /** Whether a service of this hostname is known. */
  public boolean hasService(String hostname) {
    Hostname h;
    try {
      h = Hostname.of(hostname);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return merged.services().stream().anyMatch(s -> s.hostname().equals(h));
  }

  /** The service of this hostname, if known. */
  public Optional<Service> service(Hostname hostname) {
    return merged.services().stream().filter(s -> s.hostname().equals(hostname)).findFirst();
  }

  private void update(String source, PlatformSnapshot snapshot) {
    PlatformSnapshot next;
    synchronized (this) {
      if (!sources.containsKey(source)) {
        return;
      }
      failures.remove(source);
      if (snapshot.equals(sources.get(source))) {
        return;
      }
      sources.put(source, snapshot);
      next = merge();
      merged = next;
    }
    for (Consumer<PlatformSnapshot> l : listeners) {
      l.accept(next);
    }
  }

  private PlatformSnapshot merge() {
    Map<Hostname, Service> services = new LinkedHashMap<>();
    Map<Hostname, String> owners = new HashMap<>();
    Map<Hostname, Map<String, List<Endpoint>>> endpoints = new HashMap<>();
    List<Workload> workloads = new ArrayList<>();
    List<String> conflicting = new ArrayList<>();
    for (Map.Entry<String, PlatformSnapshot> e : sources.entrySet()) {
      PlatformSnapshot s = e.getValue();
      for (Service service : s.services()) {
        String owner = owners.putIfAbsent(service.hostname(), e.getKey());
        if (owner != null) {
          conflicting.add(service.hostname() + ": reported by " + owner + " and " + e.getKey()
              + "; " + owner + " wins");
          continue;
        }
        services.put(service.hostname(), service);
        Map<String, List<Endpoint>> ports = s.endpoints().get(service.hostname());
        if (ports != null) {
          endpoints.put(service.hostname(), ports);
        }
      }
      workloads.addAll(s.workloads());
    }
    conflicts = List.copyOf(conflicting);
    return new PlatformSnapshot(List.copyOf(services.values()), endpoints, workloads);
  }
}
