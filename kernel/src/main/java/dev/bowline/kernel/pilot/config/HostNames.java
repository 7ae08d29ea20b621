package dev.bowline.kernel.pilot.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Istio's rules for host names: FQDNs, wildcard domains ({@code *.example.com}), IP addresses and
 * CIDR blocks, and how a wildcard host matches a name. Never resolves a name. Stateless.
 */
final class HostNames {

  private static final Pattern HOST_LABEL =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?");
  private static final Pattern WILDCARD_LABEL =
      Pattern.compile("\\*|\\*?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?");
  private static final Pattern IPV4 =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private HostNames() {}

  /**
   * Why {@code host} is not a valid domain name whose first label may be a wildcard ({@code *},
   * {@code *.example.com}, {@code reviews}, {@code reviews.default.svc.cluster.local}).
   */
  static Optional<String> wildcardDomainError(String host) {
    Optional<String> pre = preconditions(host);
    if (pre.isPresent()) {
      return pre;
    }
    int dot = host.indexOf('.');
    String first = dot < 0 ? host : host.substring(0, dot);
    if (first.length() > 63 || !WILDCARD_LABEL.matcher(first).matches()) {
      return Optional.of("\"" + host + "\" is not a valid host name (label \"" + first + "\")");
    }
    return dot < 0 ? Optional.empty() : labelsError(host, host.substring(dot + 1));
  }

  /** Why {@code host} is not a valid fully qualified domain name (no wildcard). */
  static Optional<String> fqdnError(String host) {
    Optional<String> pre = preconditions(host);
    return pre.isPresent() ? pre : labelsError(host, host);
  }

  /** Whether {@code s} is an IPv4 or IPv6 address literal. */
  static boolean isIpAddress(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    if (IPV4.matcher(s).matches()) {
      return true;
    }
    if (s.indexOf(':') < 0 || !IPV6_CHARS.matcher(s).matches()) {
      return false;
    }
    try {
      // Only hex digits, ':' and '.': InetAddress parses this as a literal and never resolves it.
      InetAddress.getByName(s);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Whether {@code s} is an IP address or a CIDR block such as {@code 10.0.0.0/8}. */
  static boolean isIpOrCidr(String s) {
    if (s == null) {
      return false;
    }
    int slash = s.indexOf('/');
    if (slash < 0) {
      return isIpAddress(s);
    }
    String address = s.substring(0, slash);
    String bits = s.substring(slash + 1);
    if (!isIpAddress(address) || bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int prefix = Integer.parseInt(bits);
    return prefix <= (address.indexOf(':') >= 0 ? 128 : 32);
  }

  /**
   * Whether the host pattern {@code pattern} ({@code *}, {@code *.example.com} or a name) covers
   * {@code host}, case-insensitively. A wildcard matches one or more leading labels.
   */
  static boolean matches(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (p.equals("*")) {
      return true;
    }
    if (p.startsWith("*")) {
      String suffix = p.substring(1);
      return h.endsWith(suffix) && h.length() > suffix.length();
    }
    return p.equals(h);
  }

  private static Optional<String> preconditions(String host) {
    if (host == null || host.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (host.length() > 255) {
      return Optional.of("host name is longer than 255 characters");
    }
    return Optional.empty();
  }

  private static Optional<String> labelsError(String host, String domain) {
    String[] labels = domain.split("\\.", -1);
    String top = labels[labels.length - 1];
    if (!top.isEmpty() && top.chars().allMatch(Character::isDigit)) {
      return Optional.of(
          "\"" + host + "\" is not a valid host name (top-level label \"" + top + "\" is numeric)");
    }
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      boolean trailingDot = i == labels.length - 1 && label.isEmpty() && i > 0;
      if (!trailingDot && (label.length() > 63 || !HOST_LABEL.matcher(label).matches())) {
        return Optional.of("\"" + host + "\" is not a valid host name (label \"" + label + "\")");
      }
    }
    return Optional.empty();
  }
}
