package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.SubjectAltNameMatcher;
import dev.bowline.proxy.config.SubjectAltNameMatcher.Kind;
import dev.bowline.proxy.config.SubjectAltNameMatcher.Type;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer only when its chain passes the wrapped manager (PKIX over a CA file, or {@link
 * SpiffeTrustManager}) <em>and</em> its leaf certificate carries a subject alternative name one of
 * the matchers accepts, as Envoy's {@code match_typed_subject_alt_names} and {@code
 * match_subject_alt_names} do: a typed matcher looks at SANs of its type (DNS or URI), a legacy one
 * at both. Exact DNS names compare without regard to case, and a wildcard DNS SAN {@code
 * *.example.com} in the certificate covers exactly one label ({@code api.example.com}, not {@code
 * a.b.example.com}). URI SANs (SPIFFE IDs) compare exactly; prefixes compare exactly too. With the
 * workload trust bundle this is Istio's secure naming: the server must be one of the identities
 * allowed to run the destination.
 *
 * <p>A mismatch fails the handshake with a {@link CertificateException} that lists the
 * certificate's names and the accepted ones.
 *
 * <p><b>Threading.</b> Immutable; shared by all engines of a context on any thread.
 */
final class SubjectAltNameTrustManager extends X509ExtendedTrustManager {

  private static final int DNS_NAME = 2;
  private static final int URI = 6;

  private final X509ExtendedTrustManager delegate;
  private final List<SubjectAltNameMatcher> accepted;

  SubjectAltNameTrustManager(
      X509ExtendedTrustManager delegate, List<SubjectAltNameMatcher> accepted) {
    this.delegate = delegate;
    this.accepted = List.copyOf(accepted);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    checkNames(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    checkNames(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    checkNames(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
    checkNames(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
    checkNames(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
    checkNames(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  private void checkNames(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("peer sent no certificate");
    }
    List<String> names = subjectAltNames(chain[0]);
    if (!matches(names, accepted)) {
      throw new CertificateException(
          "peer certificate "
              + chain[0].getSubjectX500Principal().getName()
              + " has subject alternative names "
              + names
              + ", none of which is in the configured subject_alt_names "
              + accepted);
    }
  }

  /**
   * The DNS and URI subject alternative names of a certificate, as {@code DNS:name} and {@code
   * URI:uri}.
   */
  static List<String> subjectAltNames(X509Certificate certificate)
      throws CertificateParsingException {
    Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
    List<String> names = new ArrayList<>();
    if (entries != null) {
      for (List<?> entry : entries) {
        if (entry.size() < 2 || !(entry.get(0) instanceof Integer type)) {
          continue;
        }
        if (type == DNS_NAME && entry.get(1) instanceof String dns) {
          names.add("DNS:" + dns);
        } else if (type == URI && entry.get(1) instanceof String uri) {
          names.add("URI:" + uri);
        }
      }
    }
    return names;
  }

  /** Whether one of the certificate's names (as {@link #subjectAltNames}) is accepted. */
  static boolean matches(List<String> certificateNames, List<SubjectAltNameMatcher> accepted) {
    for (String name : certificateNames) {
      boolean dns = name.startsWith("DNS:");
      String value = name.substring(4);
      for (SubjectAltNameMatcher matcher : accepted) {
        Type type = matcher.type();
        if (type != Type.ANY && type != (dns ? Type.DNS : Type.URI)) {
          continue;
        }
        boolean match =
            matcher.kind() == Kind.PREFIX
                ? value.startsWith(matcher.value())
                : dns ? dnsMatches(value, matcher.value()) : value.equals(matcher.value());
        if (match) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@link #matches} with legacy exact matchers for the {@code accepted} names. */
  static boolean matchesAny(List<String> certificateNames, List<String> accepted) {
    return matches(certificateNames, accepted.stream().map(SubjectAltNameMatcher::exact).toList());
  }

  private static boolean dnsMatches(String certificateName, String wanted) {
    String san = certificateName.toLowerCase(Locale.ROOT);
    String name = wanted.toLowerCase(Locale.ROOT);
    if (san.equals(name)) {
      return true;
    }
    if (san.startsWith("*.") && san.length() > 2) {
      int dot = name.indexOf('.');
      return dot > 0 && name.substring(dot + 1).equals(san.substring(2));
    }
    return false;
  }
}
