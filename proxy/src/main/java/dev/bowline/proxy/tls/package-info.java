/**
 * TLS for the proxy, on the JDK's TLS provider alone (no tcnative, no BouncyCastle).
 *
 * <ul>
 *   <li>Termination: {@link dev.bowline.proxy.tls.ListenerTls} compiles a listener's filter chains
 *       into server contexts ({@link dev.bowline.proxy.tls.ServerTlsContexts}) and an SNI/ALPN
 *       selection table, and installs per connection the handlers that read the ClientHello, select
 *       the chain, terminate TLS and then call the data path's {@link
 *       dev.bowline.proxy.tls.FilterChainInitializer} with a {@link
 *       dev.bowline.proxy.tls.FilterChainSelection}.
 *   <li>Origination: {@link dev.bowline.proxy.tls.ClientTlsContexts} builds a cluster's {@link
 *       dev.bowline.proxy.tls.ClientTlsContext} (CA and subject-alt-name verification, SNI, client
 *       certificate, ALPN).
 *   <li>Workload identity (mutual TLS): contexts that name Istio's SDS secrets {@code default}
 *       and {@code ROOTCA} read them from a {@link dev.bowline.proxy.tls.WorkloadSecretSource} at
 *       each handshake ({@code WorkloadKeyManager}, {@code SpiffeTrustManager}), verify peers as
 *       SPIFFE X.509-SVIDs ({@code X509SvidRules}, {@link dev.bowline.spi.model.SpiffeId}) and
 *       leave the verified peer on the connection as a {@link dev.bowline.proxy.tls.PeerIdentity}.
 *   <li>Policy: {@link dev.bowline.proxy.tls.TlsPolicy}, TLS 1.2 and 1.3 with AEAD suites only.
 *   <li>Files: {@link dev.bowline.proxy.tls.PemFiles} and {@link
 *       dev.bowline.proxy.tls.CertifiedKey} read PEM chains and keys (PKCS#8, PKCS#1, SEC1).
 * </ul>
 *
 * <p>Everything built here is immutable and shared across event loops; builders read files and
 * belong to config loading, never to an event loop. Config errors are {@link
 * dev.bowline.proxy.config.ConfigException}s whose problems name the Envoy field path and file.
 */
package dev.bowline.proxy.tls;
