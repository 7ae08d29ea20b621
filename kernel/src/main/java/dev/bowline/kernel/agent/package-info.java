/**
 * {@code bowline agent}: Istio's pilot-agent for proxyless gRPC applications. The application's
 * xDS client (grpc-java with {@code grpc-xds}) talks ADS in plaintext to the agent on loopback; the
 * agent holds the workload identity (key in memory, certificate from Citadel, renewed) and relays
 * each application stream to the control plane's mutual TLS port, binding the node the application
 * announces to the identity it proved, and keeping the trust bundle ({@code ROOTCA}) to itself.
 *
 * <p>{@link dev.bowline.kernel.agent.AgentRuntime} is the entry point: it composes the identity
 * ({@code proxy.identity}), the relay ({@link dev.bowline.kernel.agent.AdsRelay}, one {@link
 * dev.bowline.kernel.agent.RelayedStream} per application stream, with {@link
 * dev.bowline.kernel.agent.IdentityBinding} and {@link
 * dev.bowline.kernel.agent.TrustBundleSubscription}) and the application's bootstrap ({@link
 * dev.bowline.kernel.agent.GrpcBootstrapFile}).
 */
package dev.bowline.kernel.agent;
