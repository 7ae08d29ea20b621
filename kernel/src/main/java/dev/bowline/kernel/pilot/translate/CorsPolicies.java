package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.BoolValue;
import dev.bowline.kernel.pilot.istio.StringMatch;
import dev.bowline.kernel.pilot.istio.VirtualService.CorsPolicy;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates Istio's {@code CorsPolicy} into the per-route config of Envoy's CORS filter ({@code
 * envoy.filters.http.cors}), as Istio does: {@code allowOrigins} as string matchers (the
 * deprecated {@code allowOrigin} as exact ones), methods and headers joined with commas, {@code
 * maxAge} in seconds, {@code allowCredentials}, the filter enabled for every request, and
 * preflights that match no origin forwarded to the upstream unless {@code unmatchedPreflights:
 * IGNORE}. Stateless.
 */
final class CorsPolicies {

  private static final Logger log = LoggerFactory.getLogger(CorsPolicies.class);

  private CorsPolicies() {}

  /** The route's CORS config. */
  static io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy of(
      CorsPolicy cors, String where) {
    var out =
        io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.newBuilder()
            .setForwardNotMatchingPreflights(
                BoolValue.of(!"IGNORE".equals(cors.unmatchedPreflights())))
            .setFilterEnabled(
                RuntimeFractionalPercent.newBuilder()
                    .setDefaultValue(FaultInjections.perHundred(100)));
    if (!cors.allowOrigins().isEmpty()) {
      for (StringMatch m : cors.allowOrigins()) {
        if (m.exact() != null) {
          out.addAllowOriginStringMatch(StringMatcher.newBuilder().setExact(m.exact()));
        } else if (m.prefix() != null) {
          out.addAllowOriginStringMatch(StringMatcher.newBuilder().setPrefix(m.prefix()));
        } else if (m.regex() != null) {
          out.addAllowOriginStringMatch(
              StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(m.regex())));
        }
      }
    } else {
      for (String origin : cors.allowOrigin()) {
        out.addAllowOriginStringMatch(StringMatcher.newBuilder().setExact(origin));
      }
    }
    if (cors.allowCredentials() != null) {
      out.setAllowCredentials(BoolValue.of(cors.allowCredentials()));
    }
    if (!cors.allowMethods().isEmpty()) {
      out.setAllowMethods(String.join(",", cors.allowMethods()));
    }
    if (!cors.allowHeaders().isEmpty()) {
      out.setAllowHeaders(String.join(",", cors.allowHeaders()));
    }
    if (!cors.exposeHeaders().isEmpty()) {
      out.setExposeHeaders(String.join(",", cors.exposeHeaders()));
    }
    if (cors.maxAge() != null) {
      try {
        out.setMaxAge(Long.toString(IstioDurations.parse(cors.maxAge()).getSeconds()));
      } catch (IllegalArgumentException e) {
        log.warn("{}.corsPolicy.maxAge: {}; not sent", where, e.getMessage());
      }
    }
    return out.build();
  }
}
