/**
 * Pilot's xDS v3 server: serves the resources Pilot generates for each connected proxy over ADS
 * (and the separate CDS, EDS, LDS and RDS services), state of the world.
 *
 * <p>{@link dev.bowline.kernel.pilot.xds.XdsServer} is the entry point. It keeps one snapshot per
 * client (keyed by node id) in java-control-plane's {@code SimpleCache}, debounces push requests,
 * publishes changes make-before-break (clusters and endpoints the client acknowledged before the
 * listeners and routes that use them), tracks what each client acknowledged or rejected ({@link
 * dev.bowline.kernel.pilot.xds.ProxyStatus}) and counts what it does under Istio's metric names.
 */
package dev.bowline.kernel.pilot.xds;
