package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a route action's {@code request_mirror_policies} into {@link MirrorPolicy} values.
 * Supported: {@code cluster}, {@code runtime_fraction.default_value} (absent: every request), {@code
 * trace_sampled} when absent or false (Bowline does not trace, so there is no span to sample), and
 * {@code disable_shadow_host_suffix_append}. Refused: {@code cluster_header}, {@code
 * runtime_fraction.runtime_key} (Bowline has no runtime), {@code trace_sampled: true}.
 */
final class MirrorPolicyCompiler {

  private static final FieldAllowlist MIRROR_POLICY =
      FieldAllowlist.of(
          RouteAction.RequestMirrorPolicy.getDescriptor(),
          "cluster",
          "runtime_fraction",
          "trace_sampled",
          "disable_shadow_host_suffix_append");
  private static final FieldAllowlist RUNTIME_FRACTION =
      FieldAllowlist.of(RuntimeFractionalPercent.getDescriptor(), "default_value");
  private static final FieldAllowlist FRACTIONAL_PERCENT =
      FieldAllowlist.of(FractionalPercent.getDescriptor(), "numerator", "denominator");

  private final Problems problems;

  MirrorPolicyCompiler(Problems problems) {
    this.problems = problems;
  }

  /** The policies (possibly none), or {@code null} after a problem (reported). */
  List<MirrorPolicy> compile(List<RouteAction.RequestMirrorPolicy> policies, String path) {
    int before = problems.size();
    List<MirrorPolicy> compiled = new ArrayList<>(policies.size());
    for (int i = 0; i < policies.size(); i++) {
      RouteAction.RequestMirrorPolicy policy = policies.get(i);
      String at = Problems.index(path, i);
      MIRROR_POLICY.check(policy, at, problems);
      if (policy.getCluster().isEmpty()) {
        problems.add(Problems.join(at, "cluster"), "required");
      }
      if (policy.hasTraceSampled() && policy.getTraceSampled().getValue()) {
        problems.add(
            Problems.join(at, "trace_sampled"),
            "true is not supported: Bowline does not trace requests (leave it absent or false)");
      }
      long numerator = 1;
      long denominator = 1;
      if (policy.hasRuntimeFraction()) {
        String fractionPath = Problems.join(at, "runtime_fraction");
        RUNTIME_FRACTION.check(policy.getRuntimeFraction(), fractionPath, problems);
        String defaultPath = Problems.join(fractionPath, "default_value");
        if (!policy.getRuntimeFraction().hasDefaultValue()) {
          problems.add(defaultPath, "required");
        } else {
          FractionalPercent percent = policy.getRuntimeFraction().getDefaultValue();
          FRACTIONAL_PERCENT.check(percent, defaultPath, problems);
          numerator = Integer.toUnsignedLong(percent.getNumerator());
          switch (percent.getDenominator()) {
            case HUNDRED -> denominator = 100;
            case TEN_THOUSAND -> denominator = 10_000;
            case MILLION -> denominator = 1_000_000;
            default -> problems.add(
                Problems.join(defaultPath, "denominator"),
                "must be HUNDRED, TEN_THOUSAND or MILLION");
          }
        }
      }
      compiled.add(
          new MirrorPolicy(
              policy.getCluster(), numerator, denominator, !policy.getDisableShadowHostSuffixAppend()));
    }
    return problems.size() != before ? null : compiled;
  }
}
