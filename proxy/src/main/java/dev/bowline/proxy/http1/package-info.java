/**
 * The HTTP/1.x wire encoding both sides of the data path share: {@link
 * dev.bowline.proxy.http1.Http1MessageEncoder} turns Netty's message objects (a head, contents, a
 * last content with trailers) into bytes with Netty's framing rules but without its per-message
 * costs, and {@link dev.bowline.proxy.http1.HeadSlab} carves the encoded heads out of one buffer
 * per event loop instead of allocating a pooled buffer for each.
 *
 * <p>Decoding stays with Netty's decoders, which the downstream side hardens ({@code
 * dev.bowline.proxy.http.hardening}).
 */
package dev.bowline.proxy.http1;
