package dev.bowline.kernel.citadel;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.model.SpiffeId;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** Citadel hands out only X.509-SVIDs of the identity asked for, whatever the CA plugin returns. */
class IssuedSvidTest {

  private static final SpiffeId REVIEWS = SpiffeId.forServiceAccount("cluster.local", "default", "reviews");
  private static final KeyPair KEY = TestCertificateAuthority.ecKeyPair();

  @Test
  void aWorkloadLeafOfTheIdentityAskedForPasses() {
    assertThatCode(() -> IssuedSvid.check(List.of(leaf(REVIEWS, true)), REVIEWS)).doesNotThrowAnyException();
  }

  @Test
  void aLeafWithoutTheDigitalSignatureKeyUsageIsTheCasFault() {
    assertThatThrownBy(() -> IssuedSvid.check(List.of(leaf(REVIEWS, false)), REVIEWS))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("the CA issued a certificate for " + REVIEWS + " that is not an X.509-SVID")
        .hasMessageContaining("digitalSignature");
  }

  @Test
  void aLeafOfAnotherIdentityIsRefused() {
    SpiffeId ratings = SpiffeId.forServiceAccount("cluster.local", "default", "ratings");

    assertThatThrownBy(() -> IssuedSvid.check(List.of(leaf(ratings, true)), REVIEWS))
        .hasMessage("the CA issued a certificate for " + ratings + " when " + REVIEWS + " was asked for");
  }

  @Test
  void anEmptyAnswerIsRefused() {
    assertThatThrownBy(() -> IssuedSvid.check(List.of(), REVIEWS)).hasMessageContaining("no certificate");
  }

  private static X509Certificate leaf(SpiffeId id, boolean digitalSignature) throws Exception {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=test root"), BigInteger.TEN,
        Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofHours(1))), new X500Name(""), KEY.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    if (digitalSignature) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    }
    b.addExtension(Extension.subjectAlternativeName, true,
        new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, id.toString())));
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEY.getPrivate())));
  }
}
