/**
 * Envoy's CORS filter ({@code envoy.filters.http.cors}): routes' {@code CorsPolicy} compiled into
 * origin matching, preflight answers and response headers.
 */
package dev.bowline.proxy.filter.cors;
