package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.model.SpiffeId;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The rules an issued X.509-SVID leaf must keep, checked on the certificates themselves with the
 * JDK alone: exactly one SAN, a URI equal to the expected SPIFFE ID (so in its trust domain); a
 * subject that is empty or holds only O; basicConstraints present, critical and {@code cA false};
 * keyUsage present and critical, with digitalSignature and without keyCertSign or cRLSign;
 * extendedKeyUsage with serverAuth and clientAuth; subject and authority key identifiers; a serial
 * of at least 64 bits; valid at the given instant and not outliving any certificate above it; and a
 * chain (leaf first, no root) that the JDK's PKIX validator accepts against the roots.
 *
 * <p>{@code bowline.ca.selfsigned} runs these on every leaf before returning it. Stateless and
 * thread-safe.
 */
public final class SvidRules {

  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String SUBJECT_KEY_ID = "2.5.29.14";
  private static final String AUTHORITY_KEY_ID = "2.5.29.35";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int URI_NAME = 6;

  private SvidRules() {}

  /**
   * Every rule {@code chain} breaks, each as one sentence; empty when it keeps them all.
   *
   * @param chain the leaf first, then the intermediates, without the root
   * @param expected the identity the leaf must carry
   * @param roots the trust bundle
   * @param now the instant at which the chain must be valid
   */
  public static List<String> violations(
      List<X509Certificate> chain,
      SpiffeId expected,
      Collection<X509Certificate> roots,
      Instant now) {
    List<String> broken = new ArrayList<>();
    if (chain.isEmpty()) {
      return List.of("the chain is empty");
    }
    X509Certificate leaf = chain.get(0);
    checkNames(leaf, expected, broken);
    Set<String> critical =
        leaf.getCriticalExtensionOIDs() == null ? Set.of() : leaf.getCriticalExtensionOIDs();
    if (!critical.contains(BASIC_CONSTRAINTS)) {
      broken.add("basicConstraints is missing or not critical");
    }
    if (leaf.getBasicConstraints() != -1) {
      broken.add("basicConstraints says cA true: a workload certificate must not be a CA");
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage == null || !critical.contains(KEY_USAGE)) {
      broken.add("keyUsage is missing or not critical");
    } else {
      if (!usage[0]) {
        broken.add("keyUsage lacks digitalSignature");
      }
      if (usage.length > 5 && usage[5]) {
        broken.add("keyUsage has keyCertSign: a workload certificate must not sign certificates");
      }
      if (usage.length > 6 && usage[6]) {
        broken.add("keyUsage has cRLSign");
      }
    }
    try {
      List<String> purposes = leaf.getExtendedKeyUsage();
      if (purposes == null || !purposes.contains(SERVER_AUTH) || !purposes.contains(CLIENT_AUTH)) {
        broken.add("extendedKeyUsage must hold serverAuth and clientAuth, not " + purposes);
      }
    } catch (CertificateParsingException e) {
      broken.add("extendedKeyUsage cannot be parsed: " + e.getMessage());
    }
    if (leaf.getExtensionValue(SUBJECT_KEY_ID) == null) {
      broken.add("subjectKeyIdentifier is missing");
    }
    if (leaf.getExtensionValue(AUTHORITY_KEY_ID) == null) {
      broken.add("authorityKeyIdentifier is missing");
    }
    if (leaf.getSerialNumber().signum() <= 0 || leaf.getSerialNumber().bitLength() < 64) {
      broken.add(
          "serial number "
              + leaf.getSerialNumber()
              + " is not a positive number of 64 bits or more");
    }
    checkValidity(chain, now, broken);
    checkPath(chain, roots, now, broken);
    return List.copyOf(broken);
  }

  private static void checkNames(X509Certificate leaf, SpiffeId expected, List<String> broken) {
    Collection<List<?>> names;
    try {
      names = leaf.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      broken.add("subjectAltName cannot be parsed: " + e.getMessage());
      return;
    }
    if (names == null || names.size() != 1) {
      broken.add(
          "there must be exactly one subjectAltName, the URI "
              + expected
              + ", not "
              + (names == null ? "none" : names.size() + ": " + names));
    }
    if (names != null) {
      for (List<?> name : names) {
        if (!Integer.valueOf(URI_NAME).equals(name.get(0))) {
          continue;
        }
        String uri = String.valueOf(name.get(1));
        if (!uri.equals(expected.toString())) {
          broken.add("URI SAN " + uri + " is not " + expected + foreignDomain(uri, expected));
        }
      }
    }
    String subject = leaf.getSubjectX500Principal().getName();
    if (!subject.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(subject).getRdns()) {
          if (!rdn.getType().equalsIgnoreCase("O")) {
            broken.add("the subject must be empty or hold only O, not " + subject);
            break;
          }
        }
      } catch (InvalidNameException e) {
        broken.add("the subject cannot be parsed: " + subject);
      }
    }
  }

  private static String foreignDomain(String uri, SpiffeId expected) {
    try {
      SpiffeId actual = SpiffeId.parse(uri);
      return actual.trustDomain().equals(expected.trustDomain())
          ? ""
          : " (trust domain " + actual.trustDomain() + " is not " + expected.trustDomain() + ")";
    } catch (IllegalArgumentException e) {
      return " (not a SPIFFE ID)";
    }
  }

  private static void checkValidity(List<X509Certificate> chain, Instant now, List<String> broken) {
    X509Certificate leaf = chain.get(0);
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      broken.add(
          "the leaf is not yet valid: notBefore "
              + leaf.getNotBefore().toInstant()
              + " is after "
              + now);
    }
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      broken.add(
          "the leaf has expired: notAfter " + leaf.getNotAfter().toInstant() + " is before " + now);
    }
    for (X509Certificate above : chain.subList(1, chain.size())) {
      if (leaf.getNotAfter().after(above.getNotAfter())) {
        broken.add("the leaf outlives its issuer " + above.getSubjectX500Principal().getName());
      }
    }
  }

  private static void checkPath(
      List<X509Certificate> chain,
      Collection<X509Certificate> roots,
      Instant now,
      List<String> broken) {
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate root : roots) {
        anchors.add(new TrustAnchor(root, null));
      }
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      broken.add("the chain does not verify against the trust bundle: " + e.getMessage());
    }
  }
}
