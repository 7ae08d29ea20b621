package dev.bowline.kernel.cli;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checks of the names a workload announces on the command line, as Kubernetes writes them:
 * DNS labels (namespace, service account, service, workload name) and label keys and values.
 * Stateless.
 */
final class KubernetesNames {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

  private KubernetesNames() {}

  /**
   * @throws IllegalArgumentException naming {@code option} when {@code value} is not a DNS label
   */
  static void requireDnsLabel(String option, String value) {
    if (!DNS_LABEL.matcher(value).matches() || value.length() > 63) {
      throw new IllegalArgumentException(option + " '" + value
          + "': use lower-case letters, digits and '-' (a DNS label, at most 63 characters)");
    }
  }

  /**
   * @throws IllegalArgumentException naming {@code option} and the label when a key or value is
   *     malformed
   */
  static void requireLabels(String option, Map<String, String> labels) {
    labels.forEach((k, v) -> {
      if (!LABEL_KEY.matcher(k).matches() || k.length() > 317) {
        throw new IllegalArgumentException(option + ": '" + k + "' is not a valid label key");
      }
      if (!LABEL_VALUE.matcher(v).matches() || v.length() > 63) {
        throw new IllegalArgumentException(option + ": the value of " + k + ", '" + v + "', is not a valid label value");
      }
    });
  }
}
