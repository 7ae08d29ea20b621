package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles a route's {@code retry_policy} into a {@link RetryPolicy} value: {@code retry_on},
 * {@code num_retries}, {@code per_try_timeout}, {@code retriable_status_codes}, {@code
 * retry_back_off} and {@code retry_host_predicate} (Envoy's {@code previous_hosts} only).
 */
final class RetryPolicyCompiler {

  private static final FieldAllowlist RETRY_POLICY =
      FieldAllowlist.of(
          io.envoyproxy.envoy.config.route.v3.RetryPolicy.getDescriptor(),
          "retry_on",
          "num_retries",
          "per_try_timeout",
          "retriable_status_codes",
          "retry_back_off",
          "retry_host_predicate");
  private static final FieldAllowlist HOST_PREDICATE =
      FieldAllowlist.of(
          io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryHostPredicate.getDescriptor(),
          "name",
          "typed_config");

  /** The one retry host predicate Bowline has (Envoy's name for it). */
  static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
  /** Its config type: an empty message. */
  static final String PREVIOUS_HOSTS_TYPE =
      PreviousHostsPredicate.getDescriptor().getFullName();
  private static final FieldAllowlist RETRY_BACK_OFF =
      FieldAllowlist.of(
          io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryBackOff.getDescriptor(),
          "base_interval",
          "max_interval");

  /** Envoy's default base back-off interval. */
  static final Duration DEFAULT_BACK_OFF_BASE = Duration.ofMillis(25);

  private final Problems problems;

  RetryPolicyCompiler(Problems problems) {
    this.problems = problems;
  }

  /** The policy, or {@code null} if it has a problem (reported). */
  RetryPolicy compile(io.envoyproxy.envoy.config.route.v3.RetryPolicy policy, String path) {
    int before = problems.size();
    RETRY_POLICY.check(policy, path, problems);
    Set<String> conditions = new LinkedHashSet<>();
    for (String condition : policy.getRetryOn().split(",", -1)) {
      String trimmed = condition.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!RetryPolicy.KNOWN_CONDITIONS.contains(trimmed)) {
        problems.add(
            Problems.join(path, "retry_on"), "unknown retry condition \"" + trimmed + "\"");
      }
      conditions.add(trimmed);
    }
    int numRetries = policy.hasNumRetries() ? policy.getNumRetries().getValue() : 1;
    if (numRetries < 0) {
      problems.add(Problems.join(path, "num_retries"), "too large");
    }
    Duration perTryTimeout =
        policy.hasPerTryTimeout()
            ? ProtoDurations.of(
                policy.getPerTryTimeout(), Problems.join(path, "per_try_timeout"), problems)
            : Duration.ZERO;
    List<Integer> codes = new ArrayList<>();
    String codesPath = Problems.join(path, "retriable_status_codes");
    for (int i = 0; i < policy.getRetriableStatusCodesCount(); i++) {
      int code = policy.getRetriableStatusCodes(i);
      if (code < 100 || code > 599) {
        problems.add(Problems.index(codesPath, i), "must be an HTTP status code (100 to 599)");
      }
      codes.add(code);
    }
    Duration base = DEFAULT_BACK_OFF_BASE;
    Duration max = null;
    if (policy.hasRetryBackOff()) {
      String backOffPath = Problems.join(path, "retry_back_off");
      var backOff = policy.getRetryBackOff();
      RETRY_BACK_OFF.check(backOff, backOffPath, problems);
      String basePath = Problems.join(backOffPath, "base_interval");
      base =
          backOff.hasBaseInterval()
              ? ProtoDurations.of(backOff.getBaseInterval(), basePath, problems)
              : null;
      if (base == null || base.isZero()) {
        problems.add(basePath, "required, greater than zero");
      }
      if (backOff.hasMaxInterval()) {
        String maxPath = Problems.join(backOffPath, "max_interval");
        max = ProtoDurations.of(backOff.getMaxInterval(), maxPath, problems);
        if (max != null && base != null && max.compareTo(base) < 0) {
          problems.add(maxPath, "must not be less than base_interval");
        }
      }
    }
    String predicatesPath = Problems.join(path, "retry_host_predicate");
    for (int i = 0; i < policy.getRetryHostPredicateCount(); i++) {
      hostPredicate(policy.getRetryHostPredicate(i), Problems.index(predicatesPath, i));
    }
    if (problems.size() != before) {
      return null;
    }
    return new RetryPolicy(
        policy.getRetryOn(),
        conditions,
        numRetries,
        perTryTimeout,
        codes,
        base,
        max != null ? max : base.multipliedBy(10),
        policy.getRetryHostPredicateCount() > 0);
  }

  /**
   * Checks a {@code retry_host_predicate} entry: Envoy's {@code previous_hosts}, named by its
   * {@code typed_config} type ({@code PreviousHostsPredicate}, which has no fields) or, without
   * one, by its name; any other predicate is refused.
   */
  private void hostPredicate(
      io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryHostPredicate predicate, String path) {
    HOST_PREDICATE.check(predicate, path, problems);
    if (predicate.hasTypedConfig()) {
      String typeUrl = predicate.getTypedConfig().getTypeUrl();
      String type = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
      if (!type.equals(PREVIOUS_HOSTS_TYPE)) {
        problems.add(
            Problems.join(path, "typed_config"),
            "unsupported retry host predicate " + type + " (only " + PREVIOUS_HOSTS_TYPE + ")");
      } else if (!predicate.getTypedConfig().getValue().isEmpty()) {
        problems.add(Problems.join(path, "typed_config"), PREVIOUS_HOSTS_TYPE + " has no fields");
      }
    } else if (!predicate.getName().equals(PREVIOUS_HOSTS)) {
      problems.add(
          Problems.join(path, "name"),
          "unsupported retry host predicate \"" + predicate.getName() + "\" (only "
              + PREVIOUS_HOSTS + ")");
    }
  }
}
