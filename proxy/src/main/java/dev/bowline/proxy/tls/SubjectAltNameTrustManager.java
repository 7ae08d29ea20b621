package dev.bowline.proxy.tls;

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
 * Trusts a peer (in the proxy: an upstream server) only when its chain passes the wrapped (PKIX)
 * manager <em>and</em> its leaf certificate carries a DNS or URI subject alternative name equal to
 * one of the accepted names, as Envoy's {@code match_subject_alt_names} with exact matchers does.
 * DNS names compare without regard to case, and a wildcard DNS SAN {@code *.example.com} in the
 * certificate covers exactly one label ({@code api.example.com}, not {@code a.b.example.com}). URI
 * SANs (SPIFFE IDs) compare exactly.
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
  private final List<String> acceptedNames;

  SubjectAltNameTrustManager(X509ExtendedTrustManager delegate, List<String> acceptedNames) {
    this.delegate = delegate;
    this.acceptedNames = List.copyOf(acceptedNames);
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
    if (!matchesAny(names, acceptedNames)) {
      throw new CertificateException(
          "peer certificate "
              + chain[0].getSubjectX500Principal().getName()
              + " has subject alternative names "
              + names
              + ", none of which is in the configured subject_alt_names "
              + acceptedNames);
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
  static boolean matchesAny(List<String> certificateNames, List<String> accepted) {
    for (String name : certificateNames) {
      for (String wanted : accepted) {
        if (name.startsWith("DNS:") && dnsMatches(name.substring(4), wanted)) {
          return true;
        }
        if (name.startsWith("URI:") && name.substring(4).equals(wanted)) {
          return true;
        }
      }
    }
    return false;
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
