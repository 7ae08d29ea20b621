package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.ConfigException;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one TLS policy of the proxy, for termination and origination alike: TLS 1.2 and 1.3 only,
 * AEAD cipher suites only with forward secrecy (Envoy's default list without its CBC suites), and
 * the parsing of the version bounds and ALPN lists of the config.
 *
 * <p><b>Threading.</b> Constants and stateless functions.
 */
public final class TlsPolicy {

  /** The JDK's name of TLS 1.2. */
  public static final String TLS_1_2 = "TLSv1.2";

  /** The JDK's name of TLS 1.3. */
  public static final String TLS_1_3 = "TLSv1.3";

  /** The TLS 1.3 suites, in preference order (all three RFC 8446 AEAD suites). */
  public static final List<String> TLS_1_3_CIPHER_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /** The TLS 1.2 suites, in Envoy's preference order: ECDHE with AES-GCM or ChaCha20-Poly1305. */
  public static final List<String> TLS_1_2_CIPHER_SUITES =
      List.of(
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");

  /** Every suite the proxy enables, TLS 1.3 first. */
  public static final List<String> CIPHER_SUITES =
      concat(TLS_1_3_CIPHER_SUITES, TLS_1_2_CIPHER_SUITES);

  private TlsPolicy() {}

  /**
   * The protocol versions between {@code min} and {@code max}, inclusive, as JDK protocol names.
   * Each bound may be absent ({@code null}, blank or Envoy's {@code TLS_AUTO}: TLS 1.2 for the
   * minimum, TLS 1.3 for the maximum), Envoy's {@code TLSv1_2}/{@code TLSv1_3} or the JDK's {@code
   * TLSv1.2}/{@code TLSv1.3}.
   *
   * @param tlsParamsPath the config path of the {@code tls_params} object, used in errors
   * @throws ConfigException for an unknown version, TLS 1.0 or 1.1, or a minimum above the maximum
   */
  public static List<String> protocols(String min, String max, String tlsParamsPath)
      throws ConfigException {
    List<String> problems = new ArrayList<>();
    int low = version(min, 2, tlsParamsPath + ".tls_minimum_protocol_version", problems);
    int high = version(max, 3, tlsParamsPath + ".tls_maximum_protocol_version", problems);
    if (problems.isEmpty() && low > high) {
      problems.add(
          tlsParamsPath
              + ": tls_minimum_protocol_version "
              + min
              + " is above tls_maximum_protocol_version "
              + max);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    List<String> protocols = new ArrayList<>(2);
    for (int minor = low; minor <= high; minor++) {
      protocols.add("TLSv1." + minor);
    }
    return List.copyOf(protocols);
  }

  /** The suites to enable for the given protocol versions. */
  public static List<String> cipherSuites(List<String> protocols) {
    List<String> suites = new ArrayList<>();
    if (protocols.contains(TLS_1_3)) {
      suites.addAll(TLS_1_3_CIPHER_SUITES);
    }
    if (protocols.contains(TLS_1_2)) {
      suites.addAll(TLS_1_2_CIPHER_SUITES);
    }
    return List.copyOf(suites);
  }

  /** The minor version (2 or 3) a bound names, or {@code fallback} when the bound is absent. */
  private static int version(String value, int fallback, String field, List<String> problems) {
    if (value == null || value.isBlank() || value.equals("TLS_AUTO")) {
      return fallback;
    }
    String normalized = value.strip().replace('_', '.').toUpperCase(Locale.ROOT);
    switch (normalized) {
      case "TLSV1.2":
        return 2;
      case "TLSV1.3":
        return 3;
      case "TLSV1.0", "TLSV1", "TLSV1.1", "SSLV3":
        problems.add(field + ": " + value + " is not supported; TLSv1_2 is the lowest version");
        return fallback;
      default:
        problems.add(
            field
                + ": unknown TLS version \""
                + value
                + "\" (expected TLS_AUTO, TLSv1_2 or TLSv1_3)");
        return fallback;
    }
  }

  /**
   * Checks an ALPN list: each protocol 1 to 255 bytes, none repeated.
   *
   * @param field the config path of the list, such as {@code ...common_tls_context.alpn_protocols}
   * @param problems where problems are added
   */
  static void checkAlpn(List<String> protocols, String field, List<String> problems) {
    for (int i = 0; i < protocols.size(); i++) {
      String protocol = protocols.get(i);
      int length = protocol == null ? 0 : protocol.getBytes(StandardCharsets.UTF_8).length;
      if (length == 0 || length > 255) {
        problems.add(field + "[" + i + "]: an ALPN protocol name has 1 to 255 bytes");
      } else if (protocols.indexOf(protocol) != i) {
        problems.add(field + "[" + i + "]: \"" + protocol + "\" is listed twice");
      }
    }
  }

  /**
   * Netty's ALPN settings for a protocol list, or {@link ApplicationProtocolConfig#DISABLED} for an
   * empty one. A server without a protocol in common with the client goes on without ALPN (as Envoy
   * does); a client accepts whatever the server selects.
   */
  static ApplicationProtocolConfig alpn(List<String> protocols) {
    if (protocols.isEmpty()) {
      return ApplicationProtocolConfig.DISABLED;
    }
    return new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN,
        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
        protocols);
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return List.copyOf(all);
  }
}
