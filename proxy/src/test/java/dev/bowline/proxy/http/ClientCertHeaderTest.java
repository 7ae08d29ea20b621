package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.ClientCertForwarding;
import dev.bowline.proxy.config.ClientCertForwarding.Mode;
import dev.bowline.proxy.tls.PeerIdentity;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code x-forwarded-client-cert} as Envoy's {@code forward_client_cert_details} builds it. */
class ClientCertHeaderTest {

  private static final String CLIENT = "spiffe://cluster.local/ns/default/sa/sleep";
  private static final String SELF = "spiffe://cluster.local/ns/default/sa/httpbin";
  private static final PeerIdentity PEER =
      new PeerIdentity(
          List.of(CLIENT), List.of("sleep.default"), "CN=sleep,O=mesh", "ab12", List.of(SELF));
  private static final String FORWARDED = "By=spiffe://elsewhere;Hash=00;URI=spiffe://first";

  private static HttpHeaders headers(String xfcc) {
    HttpHeaders headers = new DefaultHttpHeaders();
    if (xfcc != null) {
      headers.set(ClientCertHeader.NAME, xfcc);
    }
    return headers;
  }

  private static String apply(
      String xfcc, ClientCertForwarding forwarding, Optional<PeerIdentity> peer) {
    HttpHeaders headers = headers(xfcc);
    ClientCertHeader.apply(headers, forwarding, peer);
    return headers.get(ClientCertHeader.NAME);
  }

  private static ClientCertForwarding mode(Mode mode) {
    return new ClientCertForwarding(mode, false, true, false);
  }

  @Test
  void appendForwardAddsThisHopAfterTheClientsElements() {
    assertThat(apply(FORWARDED, mode(Mode.APPEND_FORWARD), Optional.of(PEER)))
        .isEqualTo(FORWARDED + ",By=" + SELF + ";Hash=ab12;URI=" + CLIENT);
    assertThat(apply(null, mode(Mode.APPEND_FORWARD), Optional.of(PEER)))
        .isEqualTo("By=" + SELF + ";Hash=ab12;URI=" + CLIENT);
  }

  @Test
  void sanitizeSetReplacesTheClientsHeader() {
    assertThat(
            apply(
                FORWARDED,
                new ClientCertForwarding(Mode.SANITIZE_SET, true, true, true),
                Optional.of(PEER)))
        .isEqualTo(
            "By=" + SELF + ";Hash=ab12;Subject=\"CN=sleep,O=mesh\";URI=" + CLIENT
                + ";DNS=sleep.default");
  }

  @Test
  void withoutAClientCertificateTheHeaderIsRemovedUnlessAlwaysForwarded() {
    for (Mode mode : List.of(Mode.SANITIZE, Mode.FORWARD_ONLY, Mode.APPEND_FORWARD, Mode.SANITIZE_SET)) {
      assertThat(apply(FORWARDED, mode(mode), Optional.empty())).as(mode.name()).isNull();
    }
    assertThat(apply(FORWARDED, mode(Mode.ALWAYS_FORWARD_ONLY), Optional.empty()))
        .isEqualTo(FORWARDED);
  }

  @Test
  void sanitizeRemovesItAndForwardOnlyKeepsItWithMutualTls() {
    assertThat(apply(FORWARDED, mode(Mode.SANITIZE), Optional.of(PEER))).isNull();
    assertThat(apply(FORWARDED, mode(Mode.FORWARD_ONLY), Optional.of(PEER))).isEqualTo(FORWARDED);
  }

  @Test
  void aClientWithoutUriSansStillGetsTheUriKey() {
    PeerIdentity noUri = new PeerIdentity(List.of(), List.of(), "CN=x", "ff", List.of());
    assertThat(apply(null, mode(Mode.SANITIZE_SET), Optional.of(noUri))).isEqualTo("Hash=ff;URI=");
  }
}
