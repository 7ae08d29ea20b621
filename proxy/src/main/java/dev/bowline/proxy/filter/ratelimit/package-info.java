/**
 * Envoy's local rate limit ({@code envoy.filters.http.local_ratelimit}): lock-free token buckets
 * shared by every event loop, descriptors made by routes' {@code rate_limits} (per-value buckets
 * for wildcard descriptors, bounded), and a store that keeps buckets across configuration versions.
 */
package dev.bowline.proxy.filter.ratelimit;
