package dev.bowline.kernel.pilot.translate;

import java.util.Map;

/**
 * Where HTTP rules are being translated: for which gateway, port and client, which decides the
 * match entries that apply ({@code gateways}, {@code port}, {@code sourceLabels}, {@code
 * sourceNamespace}) and the destination port when a rule names none.
 *
 * @param gateway {@code mesh} for sidecars and proxyless clients, else {@code ns/name}
 * @param port the port of the virtual host (the service port, or the gateway server's port)
 * @param namespace the namespace of the client proxy
 * @param labels the labels of the client proxy
 * @param proxyless whether a proxyless gRPC client consumes the routes (it refuses redirects and
 *     direct responses)
 */
record RouteScope(
    String gateway, int port, String namespace, Map<String, String> labels, boolean proxyless) {}
