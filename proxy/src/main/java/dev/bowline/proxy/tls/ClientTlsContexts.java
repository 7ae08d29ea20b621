package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.ConfigException;
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
 *   <li>the server's chain verified against {@code trusted_ca}, or the JDK's default trust store
 *       when none is configured;
 *   <li>when subject alternative names are configured, only a leaf certificate with a DNS or URI
 *       SAN equal to one of them is accepted (see {@link SubjectAltNameTrustManager}); otherwise
 *       any name is, and, as in Envoy, the certificate is not checked against the SNI or the
 *       endpoint's address;
 *   <li>SNI from the config, else none;
 *   <li>the client certificate, when configured (mutual TLS);
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

  /**
   * Builds a cluster's origination context.
   *
   * @param config the cluster's TLS settings
   * @param path the config path of the cluster's {@code UpstreamTlsContext}
   * @throws ConfigException listing every problem found, each naming its field
   */
  public static ClientTlsContext build(TlsClientConfig config, String path) throws ConfigException {
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
        problems.add(path + ".sni: \"" + name + "\" is not a valid host name: " + e.getMessage());
      }
    }

    X509ExtendedTrustManager trust = null;
    if (config.trustedCa().isPresent()) {
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

    List<String> subjectAltNames = config.subjectAltNames();
    for (int i = 0; i < subjectAltNames.size(); i++) {
      String name = subjectAltNames.get(i);
      if (name == null || name.isBlank()) {
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
    }
    try {
      return new ClientTlsContext(builder.build(), sni, config.alpn());
    } catch (SSLException | RuntimeException e) {
      throw new ConfigException(path + ": cannot build the TLS context: " + e.getMessage());
    }
  }
}
