/**
 * Envoy's fault injection filter ({@code envoy.filters.http.fault}, {@code HTTPFault}): compiled
 * delays and aborts, drawn per request. See {@link dev.bowline.proxy.filter.RouteFilterStage} for
 * how they are applied.
 */
package dev.bowline.proxy.filter.fault;
