package dev.bowline.kernel.pilot.istio;

import java.util.Map;

/**
 * Bowline's local rate limit for the HTTP routes of a VirtualService, written as the value (YAML
 * or JSON) of the VirtualService annotation {@code bowline.dev/local-rate-limit}. Istio's tools
 * ignore the annotation; Bowline turns it into Envoy's local rate limit filter: a token bucket per
 * route (and proxy), or one per client with {@code perClient}. The top-level bucket applies to
 * every HTTP rule of the resource; {@code routes} overrides it for the rules named there
 * ({@code http[].name}).
 *
 * @param tokens the bucket size: the burst allowed
 * @param fillInterval how often tokens are added (at least 50ms)
 * @param tokensPerFill tokens added each interval (default: {@code tokens})
 * @param perClient one bucket per client, told apart by a header or the source address
 * @param routes buckets for named rules, replacing the top-level one there
 */
public record LocalRateLimitAnnotation(
    Integer tokens,
    String fillInterval,
    Integer tokensPerFill,
    PerClient perClient,
    Map<String, Bucket> routes) {

  public LocalRateLimitAnnotation {
    routes = routes == null ? Map.of() : Map.copyOf(routes);
  }

  /** The top-level bucket, or null when the annotation sets none (only per-route ones). */
  public Bucket bucket() {
    return tokens == null && fillInterval == null && tokensPerFill == null && perClient == null
        ? null
        : new Bucket(tokens, fillInterval, tokensPerFill, perClient);
  }

  /** The bucket of the rule named {@code ruleName} (may be null): its own, else the top-level. */
  public Bucket bucketFor(String ruleName) {
    Bucket own = ruleName == null ? null : routes.get(ruleName);
    return own != null ? own : bucket();
  }

  /** One token bucket, optionally per client. */
  public record Bucket(Integer tokens, String fillInterval, Integer tokensPerFill, PerClient perClient) {

    /** {@code tokensPerFill}, defaulting to {@code tokens}. */
    public int effectiveTokensPerFill() {
      return tokensPerFill != null ? tokensPerFill : tokens == null ? 1 : tokens;
    }
  }

  /** How clients are told apart: exactly one of a request header or the source address. */
  public record PerClient(String header, Boolean sourceIp) {}
}
