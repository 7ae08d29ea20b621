/**
 * Raw TCP proxying, Envoy's {@code envoy.filters.network.tcp_proxy}: {@link
 * dev.bowline.proxy.tcp.TcpProxy} is the running form of a filter chain's {@code tcp_proxy}; per
 * downstream connection it opens one upstream connection to a host of a (weighted) cluster, on the
 * same event loop, and relays bytes both ways with flow control, half-close, an idle timeout and
 * TLS origination when the cluster has it.
 *
 * <p>The server package installs it on accepted connections (after TLS termination or filter-chain
 * selection, when the listener has them); the upstream package supplies clusters, hosts, circuit
 * breakers and the connector.
 */
package dev.bowline.proxy.tcp;
