package dev.bowline.proxy.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.proxy.tls.TestSvids;
import dev.bowline.spi.model.SpiffeId;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The control channel's trust manager (port 15012, both directions) holds a peer's leaf to the same
 * X.509-SVID rules as the data plane's mutual TLS, then to the trust bundle and the required
 * identity.
 */
class SvidTrustManagerTest {

  private static final TestSvids.Authority ROOT = TestSvids.root("Mesh Root");
  private static final SpiffeId CONTROL_PLANE = ControlPlaneIdentity.in(TestSvids.TRUST_DOMAIN);

  private final SvidTrustManager anyPeer =
      new SvidTrustManager(() -> List.of(ROOT.certificate()), TestSvids.TRUST_DOMAIN, Optional.empty());

  @ParameterizedTest(name = "it refuses a leaf with {0}")
  @MethodSource("dev.bowline.proxy.tls.BrokenSvids#leaves")
  void itRefusesEveryLeafTheDataPlaneRefuses(
      String name, UnaryOperator<TestSvids.LeafBuilder> edit, String reason) {
    X509Certificate[] chain = chain(edit.apply(ROOT.leaf()).build().chain());

    assertThatThrownBy(() -> anyPeer.verify(chain))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void itAcceptsAWorkloadOfTheTrustDomainSignedByTheBundleAndNamesIt() throws Exception {
    X509Certificate[] chain = chain(ROOT.leaf().serviceAccount("client").build().chain());

    assertThat(anyPeer.verify(chain)).hasToString("spiffe://cluster.local/ns/default/sa/client");
  }

  @Test
  void itRefusesAValidLeafFromAnotherRoot() {
    X509Certificate[] chain = chain(TestSvids.root("Rogue Root").leaf().serviceAccount("client").build().chain());

    assertThatThrownBy(() -> anyPeer.verify(chain)).hasMessageContaining("does not chain to the trust bundle");
  }

  @Test
  void aProxyAcceptsOnlyTheControlPlanesIdentity() throws Exception {
    SvidTrustManager controlPlaneOnly =
        new SvidTrustManager(() -> List.of(ROOT.certificate()), TestSvids.TRUST_DOMAIN, Optional.of(CONTROL_PLANE));

    assertThatThrownBy(() -> controlPlaneOnly.verify(chain(ROOT.leaf().serviceAccount("client").build().chain())))
        .hasMessageContaining("not " + CONTROL_PLANE);
    assertThat(controlPlaneOnly.verify(chain(ROOT.leaf().uri(CONTROL_PLANE.toString()).build().chain())))
        .isEqualTo(CONTROL_PLANE);
  }

  @Test
  void withoutABundleNothingIsTrusted() {
    SvidTrustManager noBundle = new SvidTrustManager(List::of, TestSvids.TRUST_DOMAIN, Optional.empty());

    assertThatThrownBy(() -> noBundle.verify(chain(ROOT.leaf().serviceAccount("client").build().chain())))
        .hasMessageContaining("no trust bundle yet");
  }

  private static X509Certificate[] chain(List<X509Certificate> certificates) {
    return certificates.toArray(new X509Certificate[0]);
  }
}
