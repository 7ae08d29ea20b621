package dev.bowline.proxy.config;

import java.util.Objects;

/**
 * One accepted subject alternative name of a peer certificate, as Envoy's {@code
 * match_typed_subject_alt_names} (a SAN type and a string matcher) or the legacy {@code
 * match_subject_alt_names} (a string matcher tried against every SAN) write it. A peer passes when
 * one of its SANs matches one of the matchers.
 *
 * <p>Immutable.
 *
 * @param type which SANs of the certificate are compared
 * @param kind how they are compared
 * @param value the name, or the prefix, to compare with
 */
public record SubjectAltNameMatcher(Type type, Kind kind, String value) {

  /** Which subject alternative names a matcher looks at. */
  public enum Type {
    /** The legacy form: DNS and URI SANs alike. */
    ANY,
    DNS,
    URI
  }

  /** How a SAN is compared. */
  public enum Kind {
    /**
     * Equal (DNS names without regard to case; a wildcard DNS SAN {@code *.example.com} covers
     * exactly one label).
     */
    EXACT,
    /** Starts with the value (exactly, case included). */
    PREFIX
  }

  public SubjectAltNameMatcher {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
  }

  /** A legacy exact matcher: {@code name} equal to a DNS or URI SAN. */
  public static SubjectAltNameMatcher exact(String name) {
    return new SubjectAltNameMatcher(Type.ANY, Kind.EXACT, name);
  }

  /** An exact matcher on URI SANs, such as a SPIFFE ID. */
  public static SubjectAltNameMatcher exactUri(String uri) {
    return new SubjectAltNameMatcher(Type.URI, Kind.EXACT, uri);
  }

  @Override
  public String toString() {
    return (type == Type.ANY ? "" : type + ":") + (kind == Kind.PREFIX ? value + "*" : value);
  }
}
