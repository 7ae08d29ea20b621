/**
 * The hash behind consistent hashing: {@link dev.bowline.proxy.hash.XxHash64} turns what a hash
 * policy reads from a request or a connection (a header, a cookie, a query parameter, the source
 * address) into the 64-bit key a hashing load balancer places on its ring, as Envoy does.
 */
package dev.bowline.proxy.hash;
