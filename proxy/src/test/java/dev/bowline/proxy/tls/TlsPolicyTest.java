package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.proxy.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class TlsPolicyTest {

  @Test
  void defaultsToTls12Through13() throws Exception {
    assertThat(TlsPolicy.protocols(null, null, "p")).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(TlsPolicy.protocols("", "TLS_AUTO", "p")).containsExactly("TLSv1.2", "TLSv1.3");
  }

  @Test
  void acceptsEnvoyAndJdkNames() throws Exception {
    assertThat(TlsPolicy.protocols("TLSv1_3", null, "p")).containsExactly("TLSv1.3");
    assertThat(TlsPolicy.protocols("TLSv1.2", "TLSv1.2", "p")).containsExactly("TLSv1.2");
  }

  @Test
  void refusesOldUnknownAndInvertedVersions() {
    assertThatThrownBy(() -> TlsPolicy.protocols("TLSv1_1", "TLSv1_4", "x.tls_params"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "x.tls_params.tls_minimum_protocol_version: TLSv1_1 is not supported;"
                            + " TLSv1_2 is the lowest version",
                        "x.tls_params.tls_maximum_protocol_version: unknown TLS version"
                            + " \"TLSv1_4\" (expected TLS_AUTO, TLSv1_2 or TLSv1_3)"));
    assertThatThrownBy(() -> TlsPolicy.protocols("TLSv1_3", "TLSv1_2", "x.tls_params"))
        .hasMessageContaining("tls_minimum_protocol_version TLSv1_3 is above");
  }

  @Test
  void everySuiteIsAeadAndKnownToTheJdk() throws Exception {
    List<String> supported =
        List.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
    assertThat(supported).containsAll(TlsPolicy.CIPHER_SUITES);
    assertThat(TlsPolicy.CIPHER_SUITES)
        .allMatch(s -> s.contains("_GCM_") || s.contains("CHACHA20_POLY1305"));
    assertThat(TlsPolicy.cipherSuites(List.of("TLSv1.3")))
        .isEqualTo(TlsPolicy.TLS_1_3_CIPHER_SUITES);
  }

  @Test
  void checksAlpnNames() {
    List<String> problems = new ArrayList<>();
    TlsPolicy.checkAlpn(List.of("h2", "", "h2", "x".repeat(256)), "a.alpn_protocols", problems);
    assertThat(problems)
        .containsExactly(
            "a.alpn_protocols[1]: an ALPN protocol name has 1 to 255 bytes",
            "a.alpn_protocols[2]: \"h2\" is listed twice",
            "a.alpn_protocols[3]: an ALPN protocol name has 1 to 255 bytes");
  }
}
