package dev.bowline.proxy.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers a fixed set of certificates, at most one per key algorithm, and picks the one whose key
 * type the handshake asks for (so an RSA and an ECDSA certificate can be served side by side, as
 * Envoy does). Issuer hints from the peer are ignored: the configured certificate is always sent.
 *
 * <p>Avoids a {@link java.security.KeyStore}, whose PKCS#12 entries would be password-encrypted for
 * nothing on every config load.
 *
 * <p><b>Threading.</b> Immutable; shared by all engines of a context on any thread.
 */
final class CertifiedKeyManager extends X509ExtendedKeyManager {

  private static final String ALIAS_PREFIX = "bowline-";

  private final List<CertifiedKey> keys;

  CertifiedKeyManager(List<CertifiedKey> keys) {
    this.keys = List.copyOf(keys);
  }

  private String alias(int index) {
    return ALIAS_PREFIX + index;
  }

  private CertifiedKey byAlias(String alias) {
    if (alias == null || !alias.startsWith(ALIAS_PREFIX)) {
      return null;
    }
    try {
      int index = Integer.parseInt(alias.substring(ALIAS_PREFIX.length()));
      return index >= 0 && index < keys.size() ? keys.get(index) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private String[] aliases(String keyType) {
    List<String> matching = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).keyAlgorithm().equals(keyType)) {
        matching.add(alias(i));
      }
    }
    return matching.isEmpty() ? null : matching.toArray(new String[0]);
  }

  private String choose(String... keyTypes) {
    if (keyTypes == null) {
      return null;
    }
    for (String keyType : keyTypes) {
      String[] matching = aliases(keyType);
      if (matching != null) {
        return matching[0];
      }
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliases(keyType);
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
    return aliases(keyType);
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
