package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.CertificateFiles;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.TlsServerConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the server {@link SslContext} of one filter chain that terminates TLS (Envoy's {@code
 * DownstreamTlsContext}), on the JDK's TLS provider:
 *
 * <ul>
 *   <li>the configured certificates, at most one per key algorithm (RSA, EC, EdDSA), the one sent
 *       chosen by what the client supports;
 *   <li>TLS 1.2 and 1.3 within the configured bounds, AEAD suites only ({@link TlsPolicy});
 *   <li>ALPN with the configured protocols in server preference order, when any are configured;
 *   <li>or the proxy's workload certificate (SDS {@code default}, {@link WorkloadKeyManager}),
 *       read at each handshake;
 *   <li>with a {@code trusted_ca}: client certificates requested and verified against it, and
 *       required when {@code require_client_certificate} is set (Envoy's semantics); with the
 *       trust bundle (SDS {@code ROOTCA}) instead, verified as SPIFFE X.509-SVIDs ({@link
 *       SpiffeTrustManager}); with SAN matchers, only clients whose certificate one accepts;
 *       without any, no client certificate is requested.
 * </ul>
 *
 * <p>Problems name config fields under the path given, which is the path of the {@code
 * DownstreamTlsContext} itself, for example {@code
 * static_resources.listeners[0].filter_chains[1].transport_socket.typed_config}: certificate files
 * are {@code PATH.common_tls_context.tls_certificates[i].certificate_chain.filename} and {@code
 * ....private_key.filename}, the CA bundle {@code
 * PATH.common_tls_context.validation_context.trusted_ca.filename}.
 *
 * <p><b>Threading.</b> Stateless; reads files, so call it while loading config, not on an event
 * loop. The context returned is immutable and is meant to be shared by every event loop.
 */
public final class ServerTlsContexts {

  private ServerTlsContexts() {}

  /** {@link #build(TlsServerConfig, String, Optional)} for a proxy without workload identity. */
  public static SslContext build(TlsServerConfig config, String path) throws ConfigException {
    return build(config, path, Optional.empty());
  }

  /**
   * Builds the context of one filter chain.
   *
   * @param config the chain's TLS settings
   * @param path the config path of the chain's {@code DownstreamTlsContext}
   * @param secrets the proxy's workload secrets, or empty when it has no workload identity (then
   *     a chain naming them is a problem)
   * @throws ConfigException listing every problem found, each naming its field
   */
  public static SslContext build(
      TlsServerConfig config, String path, Optional<WorkloadSecretSource> secrets)
      throws ConfigException {
    String common = path + ".common_tls_context";
    List<String> problems = new ArrayList<>();

    List<String> protocols = List.of();
    try {
      protocols =
          TlsPolicy.protocols(config.minVersion(), config.maxVersion(), common + ".tls_params");
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }

    List<CertifiedKey> keys = new ArrayList<>();
    Map<String, Integer> indexByAlgorithm = new HashMap<>();
    WorkloadSecretReferences.check(config.workloadCertificate(), path, secrets, problems);
    WorkloadSecretReferences.check(config.workloadTrustBundle(), path, secrets, problems);
    if (config.certificates().isEmpty() && config.workloadCertificate().isEmpty()) {
      problems.add(common + ".tls_certificates: a TLS listener needs at least one certificate");
    } else if (!config.certificates().isEmpty() && config.workloadCertificate().isPresent()) {
      problems.add(common + ".tls_certificates: certificate files and the workload certificate"
          + " cannot be combined");
    }
    for (int i = 0; i < config.certificates().size(); i++) {
      CertificateFiles files = config.certificates().get(i);
      String entry = common + ".tls_certificates[" + i + "]";
      try {
        CertifiedKey key = CertifiedKey.load(files, entry);
        Integer previous = indexByAlgorithm.putIfAbsent(key.keyAlgorithm(), i);
        if (previous != null) {
          problems.add(
              entry
                  + ": a second "
                  + key.keyAlgorithm()
                  + " certificate (tls_certificates["
                  + previous
                  + "] is one); at most one certificate per key type");
        } else {
          keys.add(key);
        }
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }

    X509ExtendedTrustManager clientTrust = null;
    if (config.trustedCa().isPresent()) {
      try {
        clientTrust =
            TrustAnchors.fromFile(
                config.trustedCa().get(), common + ".validation_context.trusted_ca.filename");
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    } else if (config.workloadTrustBundle().isPresent()) {
      clientTrust = secrets.map(SpiffeTrustManager::new).orElse(null);
    } else if (config.requireClientCertificate()) {
      problems.add(
          path
              + ".require_client_certificate: needs"
              + " common_tls_context.validation_context.trusted_ca to verify client certificates");
    }
    if (!config.clientSubjectAltNames().isEmpty() && !config.verifiesClients()) {
      problems.add(common + ": subject alt name matchers need a CA or the trust bundle to verify"
          + " client certificates with");
    }

    TlsPolicy.checkAlpn(config.alpn(), common + ".alpn_protocols", problems);

    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }

    if (clientTrust != null && !config.clientSubjectAltNames().isEmpty()) {
      clientTrust = new SubjectAltNameTrustManager(clientTrust, config.clientSubjectAltNames());
    }
    X509ExtendedKeyManager keyManager =
        config.workloadCertificate().isPresent()
            ? new WorkloadKeyManager(secrets.orElseThrow())
            : new CertifiedKeyManager(keys);
    SslContextBuilder builder =
        SslContextBuilder.forServer(keyManager)
            .sslProvider(SslProvider.JDK)
            .protocols(protocols)
            .ciphers(TlsPolicy.cipherSuites(protocols), SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(TlsPolicy.alpn(config.alpn()));
    if (clientTrust != null) {
      builder
          .trustManager(clientTrust)
          .clientAuth(config.requireClientCertificate() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
    } else {
      builder.clientAuth(ClientAuth.NONE);
    }
    try {
      return builder.build();
    } catch (SSLException | RuntimeException e) {
      throw new ConfigException(path + ": cannot build the TLS context: " + e.getMessage());
    }
  }
}
