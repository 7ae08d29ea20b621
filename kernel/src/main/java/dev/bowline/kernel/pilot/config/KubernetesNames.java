package dev.bowline.kernel.pilot.config;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Kubernetes' naming rules, which Istio's resources follow: DNS-1123 labels (namespaces, subset
 * and port names), DNS-1123 subdomains (resource names) and label keys and values. Stateless.
 */
final class KubernetesNames {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  private KubernetesNames() {}

  /** A DNS-1123 label: lower case letters, digits and '-', at most 63 characters. */
  static boolean isDnsLabel(String s) {
    return s != null && s.length() <= 63 && DNS_LABEL.matcher(s).matches();
  }

  /** A DNS-1123 subdomain: dot-separated labels, at most 253 characters. */
  static boolean isDnsSubdomain(String s) {
    return s != null && s.length() <= 253 && DNS_SUBDOMAIN.matcher(s).matches();
  }

  /** Why {@code key} is not a valid label key ({@code [prefix/]name}), if it is not. */
  static Optional<String> labelKeyError(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (!isDnsSubdomain(prefix)) {
        return Optional.of("label key prefix \"" + prefix + "\" must be a DNS subdomain");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      return Optional.of(
          "label key \"" + key + "\" must be at most 63 letters, digits, '-', '_' or '.',"
              + " starting and ending with a letter or digit, optionally after a DNS prefix and '/'");
    }
    return Optional.empty();
  }

  /** Why {@code value} is not a valid label value, if it is not. */
  static Optional<String> labelValueError(String value) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.length() > 63 || !LABEL_NAME.matcher(value).matches()) {
      return Optional.of(
          "label value \"" + value + "\" must be at most 63 letters, digits, '-', '_' or '.',"
              + " starting and ending with a letter or digit");
    }
    return Optional.empty();
  }

  /** Checks every key and value of {@code labels}, reporting at {@code path.<key>}. */
  static void checkLabels(Map<String, String> labels, String path, Validation v) {
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      String at = FieldPaths.key(path, e.getKey());
      labelKeyError(e.getKey()).ifPresent(m -> v.error(at, m));
      labelValueError(e.getValue()).ifPresent(m -> v.error(at, m));
    }
  }
}
