package dev.bowline.spi.model;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A SPIFFE ID: {@code spiffe://<trust-domain>/<path>}. Bowline's workload identities use Istio's
 * path {@code /ns/<namespace>/sa/<service-account>}. Parsing follows the SPIFFE ID specification:
 * lowercase trust domain of letters, digits, '.', '-' and '_'; a path of non-empty segments of
 * letters, digits, '.', '-' and '_', none of them '.' or '..'; no query, fragment, port or user info.
 *
 * @param trustDomain the trust domain, such as {@code cluster.local}
 * @param path the path, starting with '/', such as {@code /ns/default/sa/reviews}
 */
public record SpiffeId(String trustDomain, String path) {

  private static final String SCHEME = "spiffe://";
  private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]+");
  private static final Pattern SEGMENT = Pattern.compile("[a-zA-Z0-9._-]+");

  public SpiffeId {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(path, "path");
    if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
      throw new IllegalArgumentException(
          "SPIFFE trust domain '" + trustDomain
              + "' may hold only lowercase letters, digits, '.', '-' and '_'");
    }
    if (!path.isEmpty()) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("SPIFFE path '" + path + "' must start with '/'");
      }
      for (String segment : path.substring(1).split("/", -1)) {
        if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
          throw new IllegalArgumentException(
              "SPIFFE path '" + path + "' has an invalid segment '" + segment + "'");
        }
      }
    }
  }

  /** Istio's identity for a service account: {@code spiffe://td/ns/<ns>/sa/<sa>}. */
  public static SpiffeId forServiceAccount(String trustDomain, String namespace, String serviceAccount) {
    Names.requireNamespace(namespace);
    Names.requireLabel("serviceAccount", serviceAccount);
    return new SpiffeId(trustDomain, "/ns/" + namespace + "/sa/" + serviceAccount);
  }

  /**
   * Parses a SPIFFE ID URI.
   *
   * @throws IllegalArgumentException saying what makes {@code uri} invalid
   */
  public static SpiffeId parse(String uri) {
    if (uri == null || !uri.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
      throw new IllegalArgumentException("'" + uri + "' is not a SPIFFE ID: it must start with spiffe://");
    }
    String rest = uri.substring(SCHEME.length());
    if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
      throw new IllegalArgumentException("SPIFFE ID '" + uri + "' must not have a query or fragment");
    }
    int slash = rest.indexOf('/');
    String domain = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    if (domain.isEmpty()) {
      throw new IllegalArgumentException("SPIFFE ID '" + uri + "' has no trust domain");
    }
    return new SpiffeId(domain, path);
  }

  /** The namespace of an Istio-style workload identity, if the path has that form. */
  public Optional<String> namespace() {
    String[] p = path.split("/", -1);
    return p.length == 5 && p[1].equals("ns") && p[3].equals("sa") ? Optional.of(p[2]) : Optional.empty();
  }

  /** The service account of an Istio-style workload identity, if the path has that form. */
  public Optional<String> serviceAccount() {
    String[] p = path.split("/", -1);
    return p.length == 5 && p[1].equals("ns") && p[3].equals("sa") ? Optional.of(p[4]) : Optional.empty();
  }

  @Override
  public String toString() {
    return SCHEME + trustDomain + path;
  }
}
