/**
 * Istio's configuration API as immutable Java records, read from users' YAML unchanged.
 *
 * <p>Fields Bowline applies are typed; fields of Istio's schema that Bowline does not apply yet are
 * kept as {@link com.fasterxml.jackson.databind.JsonNode} so that a resource using them is still
 * accepted (with a warning from the validator) rather than rejected. A field that is not in
 * Istio's schema at all is an error. Lists and maps are never null: an absent list is empty.
 *
 * <p>Records here carry no behaviour beyond small lookups; validation lives in
 * {@code kernel.pilot.config}, translation to Envoy resources in {@code kernel.pilot.translate}.
 * Bowline's extensions, carried in annotations, have their records here too ({@link
 * dev.bowline.kernel.pilot.istio.HealthCheckAnnotation}, {@link
 * dev.bowline.kernel.pilot.istio.LocalRateLimitAnnotation}).
 */
package dev.bowline.kernel.pilot.istio;
