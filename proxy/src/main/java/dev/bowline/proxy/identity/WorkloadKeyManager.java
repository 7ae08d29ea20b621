package dev.bowline.proxy.identity;

import dev.bowline.proxy.tls.CertifiedKey;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

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
public final class WorkloadKeyManager extends X509ExtendedKeyManager {

  private static final int REMEMBERED = 4;

  private final Supplier<Optional<CertifiedKey>> current;
  private final Map<String, CertifiedKey> recent = new LinkedHashMap<>();

  /** @param current the certificate held now, if any */
  public WorkloadKeyManager(Supplier<Optional<CertifiedKey>> current) {
    this.current = Objects.requireNonNull(current, "current");
  }

  private String choose(String... keyTypes) {
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

  private CertifiedKey byAlias(String alias) {
    synchronized (recent) {
      return alias == null ? null : recent.get(alias);
    }
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String alias = choose(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return choose(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return choose(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    CertifiedKey key = byAlias(alias);
    return key == null ? null : key.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    CertifiedKey key = byAlias(alias);
    return key == null ? null : key.privateKey();
  }
}
