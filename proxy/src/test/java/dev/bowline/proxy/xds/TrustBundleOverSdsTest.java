package dev.bowline.proxy.xds;

import static dev.bowline.proxy.xds.EnvoyResources.any;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The trust bundle over SDS ({@code ROOTCA}): installed when it holds PEM roots, refused naming the
 * field otherwise, and an answer without it keeps the bundle held.
 */
class TrustBundleOverSdsTest {

  /** A self-signed EC root made with openssl. */
  private static final String ROOT = """
      -----BEGIN CERTIFICATE-----
      MIIBgjCCASmgAwIBAgIUNiZ+Acw8Jy3IY3glj2wF54pIyY8wCgYIKoZIzj0EAwIw
      FzEVMBMGA1UEAwwMdGVzdCByb290IENBMB4XDTI2MTEyNzA3MjkwM1oXDTM2MTEy
      NDA3MjkwM1owFzEVMBMGA1UEAwwMdGVzdCByb290IENBMFkwEwYHKoZIzj0CAQYI
      KoZIzj0DAQcDQgAEjLCs9oAsgPIR8QFZEszGXy7iVJaJeFWm36x7Cr+k57kDHrPo
      2koUXHQ8ZDPj9Qvi4B8slqEHF1A5/kIIcyZBJ6NTMFEwHQYDVR0OBBYEFFMPVUmO
      ccy8Ar362dwLbr8ZYjUmMB8GA1UdIwQYMBaAFFMPVUmOccy8Ar362dwLbr8ZYjUm
      MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgcQpDowzCaa/I3emh
      WadH6aNG28XxRji07xc0xVnJyIYCIDiP+2G34EoVIsH6dyQ1JoHH7wZuYmD0u6Oy
      jyR4/DHG
      -----END CERTIFICATE-----
      """;

  private final List<List<X509Certificate>> installed = new CopyOnWriteArrayList<>();
  private final XdsUpdateApplier applier =
      new XdsUpdateApplier(new RecordingSink(), Optional.of(installed::add));

  private static Secret secret(String name, String pem) {
    return Secret.newBuilder().setName(name)
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setTrustedCa(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8(pem))))
        .build();
  }

  @Test
  void rootcaWithPemRootsIsInstalled() {
    XdsUpdateApplier.Result result =
        applier.apply(XdsResourceType.SECRET, any(secret("ROOTCA", ROOT + ROOT)));

    assertThat(result.accepted()).as(result.problems().toString()).isTrue();
    assertThat(installed).singleElement().satisfies(roots -> {
      assertThat(roots).hasSize(2);
      assertThat(roots.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=test root CA");
    });
  }

  @Test
  void anotherNameOrBytesThatAreNotCertificatesAreRefused() {
    XdsUpdateApplier.Result otherName =
        applier.apply(XdsResourceType.SECRET, any(secret("default", ROOT)));
    assertThat(otherName.accepted()).isFalse();
    assertThat(otherName.problems()).anySatisfy(p -> assertThat(p).contains("secrets[\"default\"].name"));

    XdsUpdateApplier.Result notPem =
        applier.apply(XdsResourceType.SECRET, any(secret("ROOTCA", "hello")));
    assertThat(notPem.accepted()).isFalse();
    assertThat(notPem.problems())
        .anySatisfy(p -> assertThat(p).contains("secrets[\"ROOTCA\"].validation_context.trusted_ca.inline_bytes"));
    assertThat(installed).isEmpty();
  }

  @Test
  void anAnswerWithoutTheBundleKeepsTheOneHeld() {
    assertThat(applier.apply(XdsResourceType.SECRET, List.of()).accepted()).isTrue();
    assertThat(installed).isEmpty();
  }

  @Test
  void aProxyWithoutIdentityRefusesIt() {
    XdsUpdateApplier.Result result = new XdsUpdateApplier(new RecordingSink())
        .apply(XdsResourceType.SECRET, any(secret("ROOTCA", ROOT)));
    assertThat(result.accepted()).isFalse();
    assertThat(result.problems()).anySatisfy(p -> assertThat(p).contains("no workload identity"));
  }
}
