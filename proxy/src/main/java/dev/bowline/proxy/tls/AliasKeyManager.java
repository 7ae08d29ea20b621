package dev.bowline.proxy.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The JDK's key manager calls answered from two decisions a subclass makes: which alias to offer
 * for the key types a handshake accepts ({@link #choose}), and which certificate an alias names
 * ({@link #byAlias}). Client and server sides, socket and engine variants, all go through them;
 * issuer hints from the peer are ignored (the certificate held is always the one sent).
 *
 * <p><b>Threading.</b> As thread-safe as the subclass's two methods; shared by all engines of a
 * context on handshake threads.
 */
public abstract class AliasKeyManager extends X509ExtendedKeyManager {

  /** The alias to offer for any of {@code keyTypes}, or null when none fits. */
  protected abstract String choose(String... keyTypes);

  /** The certificate and key named by {@code alias}, or null for an alias not (or no longer) known. */
  protected abstract CertifiedKey byAlias(String alias);

  /** The aliases for {@code keyType}: by default the one {@link #choose} offers, or null. */
  protected String[] aliases(String keyType) {
    String alias = choose(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public final String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliases(keyType);
  }

  @Override
  public final String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return choose(keyTypes);
  }

  @Override
  public final String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return choose(keyTypes);
  }

  @Override
  public final String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliases(keyType);
  }

  @Override
  public final String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(keyType);
  }

  @Override
  public final String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType);
  }

  @Override
  public final X509Certificate[] getCertificateChain(String alias) {
    CertifiedKey key = byAlias(alias);
    return key == null ? null : key.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public final PrivateKey getPrivateKey(String alias) {
    CertifiedKey key = byAlias(alias);
    return key == null ? null : key.privateKey();
  }
}
