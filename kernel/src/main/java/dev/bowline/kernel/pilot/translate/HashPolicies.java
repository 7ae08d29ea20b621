package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.istio.DestinationRule.ConsistentHashLb;
import dev.bowline.kernel.pilot.istio.DestinationRule.HttpCookie;
import io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates the hash key of Istio's {@code consistentHash} into a route's {@code hash_policy}, as
 * Istio does: {@code httpHeaderName} to {@code header}, {@code httpCookie} to {@code cookie}
 * ({@code name}, {@code path}, {@code ttl}), {@code useSourceIp} to {@code
 * connection_properties.source_ip}, {@code httpQueryParameterName} to {@code query_parameter}.
 * Stateless.
 */
final class HashPolicies {

  private static final Logger log = LoggerFactory.getLogger(HashPolicies.class);

  private HashPolicies() {}

  /** The hash policy of {@code ch}, or null when it names no key. */
  static HashPolicy of(ConsistentHashLb ch) {
    if (ch.httpHeaderName() != null && !ch.httpHeaderName().isEmpty()) {
      return HashPolicy.newBuilder()
          .setHeader(HashPolicy.Header.newBuilder().setHeaderName(ch.httpHeaderName()))
          .build();
    }
    HttpCookie cookie = ch.httpCookie();
    if (cookie != null) {
      HashPolicy.Cookie.Builder c = HashPolicy.Cookie.newBuilder().setName(cookie.name());
      if (cookie.path() != null) {
        c.setPath(cookie.path());
      }
      if (cookie.ttl() != null) {
        try {
          c.setTtl(IstioDurations.toProto(IstioDurations.parse(cookie.ttl())));
        } catch (IllegalArgumentException e) {
          log.warn("consistentHash.httpCookie.ttl: {}; no ttl", e.getMessage());
        }
      }
      return HashPolicy.newBuilder().setCookie(c).build();
    }
    if (Boolean.TRUE.equals(ch.useSourceIp())) {
      return HashPolicy.newBuilder()
          .setConnectionProperties(HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true))
          .build();
    }
    if (ch.httpQueryParameterName() != null && !ch.httpQueryParameterName().isEmpty()) {
      return HashPolicy.newBuilder()
          .setQueryParameter(
              HashPolicy.QueryParameter.newBuilder().setName(ch.httpQueryParameterName()))
          .build();
    }
    return null;
  }
}
