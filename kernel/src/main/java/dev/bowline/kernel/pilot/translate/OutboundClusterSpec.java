package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.istio.DestinationRule.TrafficPolicy;
import dev.bowline.kernel.pilot.istio.HealthCheckAnnotation;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import java.util.Map;

/**
 * What one outbound cluster stands for: a service port, optionally narrowed to a DestinationRule
 * subset, with the traffic policy that applies to it ({@link TrafficPolicies#effective}: port
 * and subset settings over the rule's).
 *
 * @param name {@code outbound|<port>|<subset>|<host>}
 * @param service the service
 * @param port the service port
 * @param subset the subset name, empty for the whole service
 * @param subsetLabels the labels an endpoint must carry to belong to the subset (empty: all)
 * @param policy the traffic policy, null for none
 * @param source the DestinationRule it comes from ({@code Kind/ns/name}), empty for none
 * @param healthCheck the DestinationRule's {@code bowline.dev/health-check}, null for none
 */
record OutboundClusterSpec(
    String name,
    Service service,
    ServicePort port,
    String subset,
    Map<String, String> subsetLabels,
    TrafficPolicy policy,
    String source,
    HealthCheckAnnotation healthCheck) {}
