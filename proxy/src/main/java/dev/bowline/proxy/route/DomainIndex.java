package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Selects the virtual host for a request's authority, as Envoy does, ignoring ASCII case:
 *
 * <ol>
 *   <li>an exact domain;
 *   <li>a suffix wildcard ({@code *.foo.com}, {@code *-bar.foo.com}), longest suffix first;
 *   <li>a prefix wildcard ({@code foo.*}), longest prefix first;
 *   <li>{@code *}.
 * </ol>
 *
 * At each step, an authority with a port ({@code foo.com:8080}) is tried first as it is, which
 * matches domains that include a port, then without its port, so that {@code foo.com} serves
 * every port unless a domain names one. With {@code ignore_port_in_host_matching}, only the form
 * without port is tried. A wildcard never matches an empty string: {@code *.foo.com} does not match
 * {@code .foo.com}. Lookups allocate nothing.
 */
final class DomainIndex {

  private final DomainMap exact;
  private final int[] suffixLengths;
  private final DomainMap[] suffixes;
  private final int[] prefixLengths;
  private final DomainMap[] prefixes;
  private final VirtualHostRoutes defaultHost;
  private final boolean ignorePort;
  private final boolean onlyDefault;

  private DomainIndex(Builder builder) {
    exact = new DomainMap(builder.exact);
    suffixLengths = lengths(builder.suffixes);
    suffixes = maps(builder.suffixes);
    prefixLengths = lengths(builder.prefixes);
    prefixes = maps(builder.prefixes);
    defaultHost = builder.defaultHost;
    ignorePort = builder.ignorePort;
    onlyDefault =
        builder.exact.isEmpty() && builder.suffixes.isEmpty() && builder.prefixes.isEmpty();
  }

  /** The virtual host for {@code authority} (may be {@code null}), or {@code null} if none. */
  VirtualHostRoutes find(String authority) {
    if (onlyDefault) {
      return defaultHost;
    }
    String a = authority == null ? "" : authority;
    int length = a.length();
    int portStart = portStart(a);
    int hostEnd = portStart < 0 ? length : portStart;
    boolean withPort = portStart >= 0 && !ignorePort;
    VirtualHostRoutes found;
    if (withPort && (found = exact.get(a, 0, length)) != null) {
      return found;
    }
    if ((found = exact.get(a, 0, hostEnd)) != null) {
      return found;
    }
    if (withPort && (found = suffix(a, length)) != null) {
      return found;
    }
    if ((found = suffix(a, hostEnd)) != null) {
      return found;
    }
    if (withPort && (found = prefix(a, length)) != null) {
      return found;
    }
    if ((found = prefix(a, hostEnd)) != null) {
      return found;
    }
    return defaultHost;
  }

  private VirtualHostRoutes suffix(String a, int end) {
    for (int i = 0; i < suffixLengths.length; i++) {
      int n = suffixLengths[i];
      if (end > n) {
        VirtualHostRoutes found = suffixes[i].get(a, end - n, end);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private VirtualHostRoutes prefix(String a, int end) {
    for (int i = 0; i < prefixLengths.length; i++) {
      int n = prefixLengths[i];
      if (end > n) {
        VirtualHostRoutes found = prefixes[i].get(a, 0, n);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /**
   * The index of the {@code :} before the port of {@code authority}, or -1 if it has no port
   * ({@code [::1]} and a bare IPv6 address have none).
   */
  static int portStart(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon < 0) {
      return -1;
    }
    int bracket = authority.lastIndexOf(']');
    if (bracket >= 0) {
      return bracket < colon ? colon : -1;
    }
    return authority.indexOf(':') == colon ? colon : -1;
  }

  private static int[] lengths(TreeMap<Integer, Map<String, VirtualHostRoutes>> byLength) {
    return byLength.keySet().stream().mapToInt(Integer::intValue).toArray();
  }

  private static DomainMap[] maps(TreeMap<Integer, Map<String, VirtualHostRoutes>> byLength) {
    List<DomainMap> maps = new ArrayList<>();
    for (Map<String, VirtualHostRoutes> entries : byLength.values()) {
      maps.add(new DomainMap(entries));
    }
    return maps.toArray(new DomainMap[0]);
  }

  /** Collects the domains of every virtual host, reporting malformed and duplicate ones. */
  static final class Builder {
    private final Map<String, VirtualHostRoutes> exact = new HashMap<>();
    private final TreeMap<Integer, Map<String, VirtualHostRoutes>> suffixes =
        new TreeMap<>(Comparator.reverseOrder());
    private final TreeMap<Integer, Map<String, VirtualHostRoutes>> prefixes =
        new TreeMap<>(Comparator.reverseOrder());
    private final Map<String, String> pathOfDomain = new HashMap<>();
    private final boolean ignorePort;
    private VirtualHostRoutes defaultHost;

    Builder(boolean ignorePort) {
      this.ignorePort = ignorePort;
    }

    /** Adds {@code domain} (found at {@code path}) for {@code host}. */
    void add(String domain, VirtualHostRoutes host, String path, Problems problems) {
      if (domain.isEmpty()) {
        problems.add(path, "must not be empty");
        return;
      }
      String lower = Ascii.toLowerCase(domain);
      int star = lower.indexOf('*');
      boolean wildcard = star >= 0;
      boolean valid =
          !wildcard
              || lower.equals("*")
              || (lower.lastIndexOf('*') == star && (star == 0 || star == lower.length() - 1));
      if (!valid) {
        problems.add(
            path,
            "invalid domain \"" + domain + "\": a wildcard '*' may only be the whole domain, or"
                + " its first or last character");
        return;
      }
      String previous = pathOfDomain.putIfAbsent(lower, path);
      if (previous != null) {
        problems.add(path, "duplicate domain \"" + domain + "\", already at " + previous);
        return;
      }
      if (lower.equals("*")) {
        defaultHost = host;
      } else if (star == 0) {
        String suffix = lower.substring(1);
        suffixes.computeIfAbsent(suffix.length(), n -> new HashMap<>()).put(suffix, host);
      } else if (wildcard) {
        String prefix = lower.substring(0, lower.length() - 1);
        prefixes.computeIfAbsent(prefix.length(), n -> new HashMap<>()).put(prefix, host);
      } else {
        exact.put(lower, host);
      }
    }

    DomainIndex build() {
      return new DomainIndex(this);
    }
  }
}
