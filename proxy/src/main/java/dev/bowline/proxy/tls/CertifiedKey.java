package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.CertificateFiles;
import dev.bowline.proxy.config.ConfigException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A certificate chain (leaf first) and the private key of its leaf, checked to belong together.
 *
 * <p><b>Threading.</b> Immutable; may be shared by any number of threads.
 *
 * @param chain the chain, leaf first, never empty
 * @param privateKey the leaf's private key
 */
public record CertifiedKey(List<X509Certificate> chain, PrivateKey privateKey) {

  public CertifiedKey {
    chain = List.copyOf(chain);
    Objects.requireNonNull(privateKey, "privateKey");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("empty certificate chain");
    }
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The key's algorithm as the JDK names it: {@code RSA}, {@code EC}, {@code EdDSA}, ... */
  public String keyAlgorithm() {
    return privateKey.getAlgorithm();
  }

  /**
   * Loads a chain and its key from PEM files and checks that the key belongs to the leaf.
   *
   * @param files the two files
   * @param path the config path of the certificate entry, such as {@code
   *     ...common_tls_context.tls_certificates[0]}; problems name {@code
   *     path.certificate_chain.filename} or {@code path.private_key.filename}
   * @throws ConfigException naming each file that is missing, unreadable, not PEM, or whose key
   *     does not match the certificate
   */
  public static CertifiedKey load(CertificateFiles files, String path) throws ConfigException {
    String chainField = path + ".certificate_chain.filename";
    String keyField = path + ".private_key.filename";
    List<String> problems = new ArrayList<>();
    List<X509Certificate> chain = null;
    PrivateKey key = null;
    try {
      chain = PemFiles.certificates(files.certificateChain(), chainField);
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    try {
      key = PemFiles.privateKey(files.privateKey(), keyField);
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    if (problems.isEmpty() && !KeyPairCheck.matches(key, chain.get(0).getPublicKey())) {
      problems.add(
          PemFiles.problem(
                  keyField,
                  files.privateKey(),
                  "does not match the certificate in "
                      + files.certificateChain()
                      + " ("
                      + key.getAlgorithm()
                      + " key, "
                      + chain.get(0).getPublicKey().getAlgorithm()
                      + " certificate "
                      + chain.get(0).getSubjectX500Principal().getName()
                      + ")")
              .getMessage());
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new CertifiedKey(chain, key);
  }
}
