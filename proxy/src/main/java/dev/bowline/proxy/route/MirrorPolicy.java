package dev.bowline.proxy.route;

/**
 * One of a route's {@code request_mirror_policies}: a copy of each request, or of a fraction of
 * them, also goes to another cluster (a shadow), whose answer nobody waits for. The shadow's
 * authority gets the suffix {@code -shadow}, as Envoy's does, unless {@code
 * disable_shadow_host_suffix_append} is set.
 *
 * <p>Immutable and thread-safe.
 */
public final class MirrorPolicy {

  private final String cluster;
  private final long numerator;
  private final long denominator;
  private final boolean appendShadowSuffix;

  /**
   * @param numerator with {@code denominator}, the fraction of requests mirrored ({@code
   *     runtime_fraction.default_value}); 1/1 for all
   */
  MirrorPolicy(String cluster, long numerator, long denominator, boolean appendShadowSuffix) {
    if (denominator <= 0 || numerator < 0) {
      throw new IllegalArgumentException("fraction " + numerator + "/" + denominator);
    }
    this.cluster = cluster;
    this.numerator = numerator;
    this.denominator = denominator;
    this.appendShadowSuffix = appendShadowSuffix;
  }

  /** The cluster the copies go to. */
  public String cluster() {
    return cluster;
  }

  /**
   * Whether the request that drew {@code random} is mirrored: as Envoy evaluates a fractional
   * percent, {@code random} (unsigned) modulo the denominator is below the numerator.
   */
  public boolean sampled(long random) {
    return numerator >= denominator || Long.remainderUnsigned(random, denominator) < numerator;
  }

  /**
   * The authority the copy carries: {@code foo} becomes {@code foo-shadow} and {@code foo:8080}
   * becomes {@code foo-shadow:8080} ({@code [::1]:80} becomes {@code [::1]-shadow:80}); unchanged
   * when the suffix is disabled or there is no authority ({@code null}).
   */
  public String shadowAuthority(String authority) {
    if (!appendShadowSuffix || authority == null || authority.isEmpty()) {
      return authority;
    }
    int hostEnd;
    if (authority.charAt(0) == '[') {
      int close = authority.indexOf(']');
      hostEnd = close < 0 ? authority.length() : close + 1;
    } else {
      int colon = authority.indexOf(':');
      hostEnd = colon < 0 ? authority.length() : colon;
    }
    return authority.substring(0, hostEnd) + "-shadow" + authority.substring(hostEnd);
  }

  @Override
  public String toString() {
    return "mirror to " + cluster + (numerator >= denominator ? "" : " " + numerator + "/" + denominator);
  }
}
