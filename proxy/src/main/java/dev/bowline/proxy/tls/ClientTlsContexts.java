package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.SubjectAltNameMatcher;
import dev.bowline.proxy.config.TlsClientConfig;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the TLS origination context of a cluster (Envoy's {@code UpstreamTlsContext}) on the JDK's
 * TLS provider:
 *
 * <ul>
 *   <li>the server's chain verified against {@code trusted_ca}; or, with the trust bundle (SDS
 *       {@code ROOTCA}, Istio's {@code ISTIO_MUTUAL}), as a SPIFFE X.509-SVID ({@link
 *       SpiffeTrustManager}); or against the JDK's default trust store when neither is configured;
 *   <li>when subject alternative names are configured, only a leaf certificate with a SAN one of
 *       them accepts (see {@link SubjectAltNameTrustManager}; with the trust bundle this is secure
 *       naming); otherwise any name is, and, as in Envoy, the certificate is not checked against
 *       the SNI or the endpoint's address;
 *   <li>SNI from the config, else none;
 *   <li>the client certificate, when configured (mutual TLS): from files, or the workload
 *       certificate (SDS {@code default}) as held at each handshake;
 *   <li>ALPN with the configured protocols; TLS 1.2 and 1.3 with AEAD suites ({@link TlsPolicy}).
 * </ul>
 *
 * <p>Problems name config fields under the path given, which is the path of the {@code
 * UpstreamTlsContext} itself, for example {@code
 * static_resources.clusters[2].transport_socket.typed_config}.
 *
 * <p><b>Threading.</b> Stateless; reads files, so call it while loading config, not on an event
 * loop. The result is immutable and meant to be shared by every event loop.
 */
public final class ClientTlsContexts {

  private ClientTlsContexts() {}

  /** {@link #build(TlsClientConfig, String, Optional)} for a proxy without workload identity. */
  public static ClientTlsContext build(TlsClientConfig config, String path)
      throws ConfigException {
    return build(config, path, Optional.empty());
  }

  /**
   * Builds a cluster's origination context.
   *
   * @param config the cluster's TLS settings
   * @param path the config path of the cluster's {@code UpstreamTlsContext}
   * @param secrets the proxy's workload secrets, or empty when it has no workload identity (then
   *     a context naming them is a problem)
   * @throws ConfigException listing every problem found, each naming its field
   */
  public static ClientTlsContext build(
      TlsClientConfig config, String path, Optional<WorkloadSecretSource> secrets)
      throws ConfigException {
    String common = path + ".common_tls_context";
    List<String> problems = new ArrayList<>();

    List<String> protocols = List.of(TlsPolicy.TLS_1_2, TlsPolicy.TLS_1_3);

    Optional<String> sni = config.sni().filter(name -> !name.isEmpty());
    if (sni.isPresent()) {
      String name = sni.get();
      try {
        new SNIHostName(name);
        if (name.indexOf(':') >= 0 || name.matches("[0-9.]+")) {
          problems.add(path + ".sni: \"" + name + "\" is an IP address; SNI carries host names");
        }
      } catch (IllegalArgumentException e) {
        problems.add(path + ".sni: \"" + name + "\" is not a valid host name: " + e.getMessage()
            + (name.indexOf('_') >= 0
                ? " (the JDK's TLS stack, on both sides, refuses '_' in SNI, so Istio's"
                    + " outbound_.<port>_.<subset>_.<host> names cannot be used; leave sni empty"
                    + " for traffic between proxies)"
                : ""));
      }
    }

    WorkloadSecretReferences.check(config.workloadCertificate(), path, secrets, problems);
    WorkloadSecretReferences.check(config.workloadTrustBundle(), path, secrets, problems);
    if (config.workloadCertificate().isPresent() && config.clientCertificate().isPresent()) {
      problems.add(common + ": tls_certificates and tls_certificate_sds_secret_configs cannot be"
          + " combined: a client offers one certificate");
    }

    X509ExtendedTrustManager trust = null;
    if (config.workloadTrustBundle().isPresent()) {
      trust = secrets.map(SpiffeTrustManager::new).orElse(null);
    } else if (config.trustedCa().isPresent()) {
      try {
        trust =
            TrustAnchors.fromFile(
                config.trustedCa().get(), common + ".validation_context.trusted_ca.filename");
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    } else {
      trust = TrustAnchors.jdkDefault();
    }

    List<SubjectAltNameMatcher> subjectAltNames = config.subjectAltNames();
    for (int i = 0; i < subjectAltNames.size(); i++) {
      if (subjectAltNames.get(i).value().isBlank()) {
        problems.add(common + ".validation_context.match_subject_alt_names[" + i + "]: empty name");
      }
    }

    CertifiedKey clientKey = null;
    if (config.clientCertificate().isPresent()) {
      try {
        clientKey =
            CertifiedKey.load(config.clientCertificate().get(), common + ".tls_certificates[0]");
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }

    TlsPolicy.checkAlpn(config.alpn(), common + ".alpn_protocols", problems);

    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }

    if (!subjectAltNames.isEmpty()) {
      trust = new SubjectAltNameTrustManager(trust, subjectAltNames);
    }
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(protocols)
            .ciphers(TlsPolicy.cipherSuites(protocols), SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(TlsPolicy.alpn(config.alpn()))
            .trustManager(trust)
            // Envoy checks names only through match_subject_alt_names, never against the host.
            .endpointIdentificationAlgorithm(null);
    if (clientKey != null) {
      builder.keyManager(new CertifiedKeyManager(List.of(clientKey)));
    } else if (config.workloadCertificate().isPresent()) {
      builder.keyManager(new WorkloadKeyManager(secrets.orElseThrow()));
    }
    try {
      return new ClientTlsContext(builder.build(), sni, config.alpn());
    } catch (SSLException | RuntimeException e) {
      throw new ConfigException(path + ": cannot build the TLS context: " + e.getMessage());
    }
  }
}
