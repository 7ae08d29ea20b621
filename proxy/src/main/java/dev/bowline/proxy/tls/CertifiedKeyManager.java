package dev.bowline.proxy.tls;

import java.util.ArrayList;
import java.util.List;

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
final class CertifiedKeyManager extends AliasKeyManager {

  private static final String ALIAS_PREFIX = "bowline-";

  private final List<CertifiedKey> keys;

  CertifiedKeyManager(List<CertifiedKey> keys) {
    this.keys = List.copyOf(keys);
  }

  private String alias(int index) {
    return ALIAS_PREFIX + index;
  }

  @Override
  protected CertifiedKey byAlias(String alias) {
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

  @Override
  protected String[] aliases(String keyType) {
    List<String> matching = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).keyAlgorithm().equals(keyType)) {
        matching.add(alias(i));
      }
    }
    return matching.isEmpty() ? null : matching.toArray(new String[0]);
  }

  @Override
  protected String choose(String... keyTypes) {
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
}
