package dev.bowline.plugins.lb.leastrequest;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.ExtensionMetadata;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.SecurityPosture;
import java.util.Map;
import org.pf4j.Extension;

/**
 * The {@code bowline.lb.least_request} load balancer: Envoy's {@code LEAST_REQUEST} (Istio's
 * {@code simple: LEAST_REQUEST}), which steers each request towards hosts with fewer requests in
 * flight.
 *
 * <p><b>Equal weights.</b> Power of N choices, as Envoy: each pick draws {@code choiceCount} hosts
 * uniformly at random, with replacement, and takes the one with the fewest active requests.
 *
 * <p><b>Different weights: Bowline's reading of Envoy's weighted least request.</b> Envoy gives each
 * host the dynamic weight {@code weight / (activeRequests + 1)^activeRequestBias} and runs a
 * weighted round-robin schedule over those weights. Bowline keeps that formula but stays with
 * sampling, which needs no shared schedule and so no lock: each pick draws {@code choiceCount}
 * hosts in proportion to their weights, then keeps one of them with probability proportional to
 * {@code 1 / (activeRequests + 1)^activeRequestBias}. The weight counts once (in the draw) and the
 * load once (in the choice), so the chance of a host follows its dynamic weight: with bias 0, or
 * when every host is idle, traffic follows the weights exactly (pure weighted random); the larger
 * the bias, the more surely the least loaded drawn host wins. Taking the drawn host with the
 * highest dynamic weight instead would count the weight twice and overload heavy hosts even when
 * all are idle. See {@link WeightedLeastRequestPicker}.
 *
 * <p><b>Configuration</b> (camelCase, as Istio's and Envoy's JSON): {@code choiceCount}, a whole
 * number from 2 to 100, default 2; {@code activeRequestBias}, a finite number at least 0, default
 * 1.0. Unknown fields are errors.
 *
 * <p><b>Retries.</b> Hosts that {@link dev.bowline.spi.lb.PickContext#isExcluded} names are never
 * chosen while another host is left; when every host is excluded one is returned anyway.
 *
 * <p><b>Threading.</b> Stateless and thread-safe. Its pickers never block, never lock and never
 * allocate; they read live active-request counts, which other threads change.
 */
@Extension
public final class LeastRequestLoadBalancerFactory
    implements LoadBalancerFactory<LeastRequestConfig> {

  /** The canonical name, {@value}. */
  public static final String NAME = "bowline.lb.least_request";

  private static final ExtensionMetadata METADATA =
      new ExtensionMetadata(
          ExtensionStatus.STABLE,
          SecurityPosture.DATA_PLANE_AGNOSTIC,
          "Sends each request to the least loaded of a few randomly drawn hosts, taking weights"
              + " into account (Envoy's weighted least request).");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExtensionMetadata metadata() {
    return METADATA;
  }

  /**
   * Reads {@code choiceCount} and {@code activeRequestBias}; an empty map gives
   * {@link LeastRequestConfig#DEFAULT}. Every error names its field.
   */
  @Override
  public ConfigOrError<LeastRequestConfig> parseConfig(Map<String, ?> raw) {
    return LeastRequestConfigParser.parse(raw);
  }

  @Override
  public LoadBalancer newLoadBalancer(LeastRequestConfig config, PluginContext context) {
    return new LeastRequestLoadBalancer(config);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
