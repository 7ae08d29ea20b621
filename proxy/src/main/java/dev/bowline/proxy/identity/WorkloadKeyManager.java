package dev.bowline.proxy.identity;

import dev.bowline.proxy.tls.AliasKeyManager;
import dev.bowline.proxy.tls.CertifiedKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Presents the workload certificate held now, read at every handshake: a renewed certificate is
 * used by the next handshake without rebuilding any TLS context or channel, and connections
 * already open keep theirs. With no certificate yet it presents none (the first certificate
 * request to Citadel, which carries a join token instead).
 *
 * <p>The alias names the certificate by its serial number, so the chain and the key asked for
 * right after choosing it belong together even if a renewal lands in between.
 *
 * <p><b>Threading.</b> Thread-safe; called on handshake threads.
 */
public final class WorkloadKeyManager extends AliasKeyManager {

  private static final int REMEMBERED = 4;

  private final Supplier<Optional<CertifiedKey>> current;
  private final Map<String, CertifiedKey> recent = new LinkedHashMap<>();

  /** @param current the certificate held now, if any */
  public WorkloadKeyManager(Supplier<Optional<CertifiedKey>> current) {
    this.current = Objects.requireNonNull(current, "current");
  }

  @Override
  protected String choose(String... keyTypes) {
    Optional<CertifiedKey> key = current.get();
    if (key.isEmpty() || keyTypes == null) {
      return null;
    }
    String algorithm = key.get().keyAlgorithm();
    for (String keyType : keyTypes) {
      if (keyType != null && (keyType.equals(algorithm) || keyType.startsWith(algorithm + "_"))) {
        String alias = "workload-" + key.get().leaf().getSerialNumber().toString(16);
        synchronized (recent) {
          recent.put(alias, key.get());
          if (recent.size() > REMEMBERED) {
            recent.remove(recent.keySet().iterator().next());
          }
        }
        return alias;
      }
    }
    return null;
  }

  @Override
  protected CertifiedKey byAlias(String alias) {
    synchronized (recent) {
      return alias == null ? null : recent.get(alias);
    }
  }
}
