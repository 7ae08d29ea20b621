package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Compiles a route's {@code retry_policy} into a {@link RetryPolicy} value. */
final class RetryPolicyCompiler {

  private static final FieldAllowlist RETRY_POLICY =
      FieldAllowlist.of(
          io.envoyproxy.envoy.config.route.v3.RetryPolicy.getDescriptor(),
          "retry_on",
          "num_retries",
          "per_try_timeout",
          "retriable_status_codes",
          "retry_back_off");
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
        max != null ? max : base.multipliedBy(10));
  }
}
