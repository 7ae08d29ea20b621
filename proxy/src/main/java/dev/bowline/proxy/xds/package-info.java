/**
 * The proxy's xDS v3 client: one ADS stream (state of the world) to a control plane, whose
 * clusters, endpoints, listeners and routes it validates with the proxy's own translators, ACKs or
 * NACKs like Envoy, and applies through an {@link dev.bowline.proxy.xds.XdsConfigSink} (for a
 * running proxy, {@link dev.bowline.proxy.xds.ProxyServerSink}).
 *
 * <p>Entry point: {@link dev.bowline.proxy.xds.XdsClient}. The package depends on the config
 * translators and, in {@link dev.bowline.proxy.xds.ProxyServerSink} only, on the proxy server.
 */
package dev.bowline.proxy.xds;
