package dev.bowline.plugins.ca.selfsigned;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.model.SpiffeId;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The negative corpus: certificates that break one X.509-SVID rule each, built with BouncyCastle,
 * and the violation {@link SvidRules} reports for each. A well-formed leaf passes.
 */
class SvidRulesTest {

  static final SpiffeId REVIEWS = SpiffeId.forServiceAccount("cluster.local", "default", "reviews");
  private static final KeyPair ROOT_KEY = TestPki.ec();
  private static final X509Certificate ROOT = root(ROOT_KEY, "O=cluster.local, CN=root");
  private static final KeyPair OTHER_ROOT_KEY = TestPki.ec();
  private static final X509Certificate OTHER_ROOT =
      root(OTHER_ROOT_KEY, "O=cluster.local, CN=root");

  private static X509Certificate root(KeyPair key, String subject) {
    TestPki.Cert root = new TestPki.Cert().ca(1);
    root.subject = subject;
    root.key = key;
    root.notAfter = Instant.now().plus(Duration.ofDays(365));
    return root.build();
  }

  /** A leaf that keeps every rule; each case below breaks one. */
  private static TestPki.Cert goodLeaf() {
    return new TestPki.Cert().san(REVIEWS.toString()).issuedBy(ROOT, ROOT_KEY.getPrivate());
  }

  private static List<String> violations(X509Certificate leaf) {
    return SvidRules.violations(List.of(leaf), REVIEWS, List.of(ROOT), Instant.now());
  }

  @Test
  void aWellFormedLeafKeepsEveryRule() {
    assertThat(violations(goodLeaf().build())).isEmpty();
  }

  record Flaw(String name, Consumer<TestPki.Cert> apply, String reported) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Flaw> flaws() {
    return List.of(
        new Flaw(
            "two URI SANs",
            c -> c.san("spiffe://cluster.local/ns/default/sa/admin"),
            "exactly one subjectAltName"),
        new Flaw(
            "a DNS SAN beside the URI",
            c ->
                c.sans.add(
                    new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.dNSName, "reviews")),
            "exactly one subjectAltName"),
        new Flaw(
            "no SAN",
            c -> {
              c.sans.clear();
              c.subject = "O=cluster.local";
            },
            "exactly one subjectAltName"),
        new Flaw(
            "another identity",
            c -> {
              c.sans.clear();
              c.san("spiffe://cluster.local/ns/default/sa/admin");
            },
            "is not spiffe://cluster.local/ns/default/sa/reviews"),
        new Flaw(
            "a foreign trust domain",
            c -> {
              c.sans.clear();
              c.san("spiffe://evil.example.com/ns/default/sa/reviews");
            },
            "trust domain evil.example.com is not cluster.local"),
        new Flaw(
            "a CN in the subject",
            c -> c.subject = "CN=spiffe://cluster.local/ns/default/sa/admin",
            "subject must be empty or hold only O"),
        new Flaw("cA true", c -> c.basicConstraints = 0, "cA true"),
        new Flaw(
            "no basicConstraints", c -> c.basicConstraints = -1, "basicConstraints is missing"),
        new Flaw(
            "basicConstraints not critical",
            c -> c.basicConstraintsCritical = false,
            "basicConstraints is missing or not critical"),
        new Flaw(
            "keyCertSign",
            c -> c.keyUsage = KeyUsage.digitalSignature | KeyUsage.keyCertSign,
            "keyCertSign"),
        new Flaw(
            "cRLSign", c -> c.keyUsage = KeyUsage.digitalSignature | KeyUsage.cRLSign, "cRLSign"),
        new Flaw(
            "no digitalSignature",
            c -> c.keyUsage = KeyUsage.keyEncipherment,
            "lacks digitalSignature"),
        new Flaw("no keyUsage", c -> c.keyUsage = 0, "keyUsage is missing"),
        new Flaw(
            "keyUsage not critical",
            c -> c.keyUsageCritical = false,
            "keyUsage is missing or not critical"),
        new Flaw(
            "server auth only",
            c -> c.purposes = List.of(KeyPurposeId.id_kp_serverAuth),
            "serverAuth and clientAuth"),
        new Flaw(
            "code signing",
            c -> c.purposes = List.of(KeyPurposeId.id_kp_codeSigning),
            "serverAuth and clientAuth"),
        new Flaw("no key identifiers", c -> c.keyIds = false, "subjectKeyIdentifier is missing"),
        new Flaw("a short serial", c -> c.serial = BigInteger.valueOf(7), "64 bits"),
        new Flaw(
            "expired",
            c -> {
              c.notBefore = Instant.now().minus(Duration.ofDays(2));
              c.notAfter = Instant.now().minus(Duration.ofDays(1));
            },
            "has expired"),
        new Flaw(
            "not yet valid",
            c -> {
              c.notBefore = Instant.now().plus(Duration.ofDays(1));
              c.notAfter = Instant.now().plus(Duration.ofDays(2));
            },
            "not yet valid"),
        new Flaw(
            "signed by another root",
            c -> c.issuedBy(OTHER_ROOT, OTHER_ROOT_KEY.getPrivate()),
            "does not verify against the trust bundle"),
        new Flaw(
            "self-signed",
            c -> {
              c.issuer = null;
              c.issuerKey = null;
              c.subject = "O=cluster.local";
            },
            "does not verify against the trust bundle"));
  }

  @ParameterizedTest
  @MethodSource("flaws")
  void eachBrokenRuleIsReported(Flaw flaw) {
    TestPki.Cert leaf = goodLeaf();
    flaw.apply().accept(leaf);

    assertThat(violations(leaf.build())).anySatisfy(v -> assertThat(v).contains(flaw.reported()));
  }

  @Test
  void aBrokenChainIsReported() {
    KeyPair intermediateKey = TestPki.ec();
    TestPki.Cert intermediate =
        new TestPki.Cert().ca(0).issuedBy(OTHER_ROOT, OTHER_ROOT_KEY.getPrivate());
    intermediate.subject = "O=cluster.local, CN=intermediate";
    intermediate.key = intermediateKey;
    X509Certificate foreignIntermediate = intermediate.build();
    X509Certificate leaf =
        goodLeaf().issuedBy(foreignIntermediate, intermediateKey.getPrivate()).build();

    assertThat(
            SvidRules.violations(
                List.of(leaf, foreignIntermediate), REVIEWS, List.of(ROOT), Instant.now()))
        .anySatisfy(v -> assertThat(v).contains("does not verify against the trust bundle"));
    assertThat(SvidRules.violations(List.of(leaf), REVIEWS, List.of(OTHER_ROOT), Instant.now()))
        .as("intermediate left out")
        .anySatisfy(v -> assertThat(v).contains("does not verify"));
    assertThat(
            SvidRules.violations(
                List.of(leaf, foreignIntermediate), REVIEWS, List.of(OTHER_ROOT), Instant.now()))
        .isEmpty();
  }

  @Test
  void aLeafOutlivingItsIntermediateIsReported() {
    KeyPair intermediateKey = TestPki.ec();
    TestPki.Cert intermediate = new TestPki.Cert().ca(0).issuedBy(ROOT, ROOT_KEY.getPrivate());
    intermediate.subject = "O=cluster.local, CN=intermediate";
    intermediate.key = intermediateKey;
    intermediate.notAfter = Instant.now().plus(Duration.ofHours(2));
    X509Certificate built = intermediate.build();
    TestPki.Cert leaf = goodLeaf().issuedBy(built, intermediateKey.getPrivate());
    leaf.notAfter = Instant.now().plus(Duration.ofHours(3));

    assertThat(
            SvidRules.violations(
                List.of(leaf.build(), built), REVIEWS, List.of(ROOT), Instant.now()))
        .anySatisfy(v -> assertThat(v).contains("outlives its issuer"));
  }

  @Test
  void anEmptyChainIsReported() {
    assertThat(SvidRules.violations(List.of(), REVIEWS, List.of(ROOT), Instant.now()))
        .containsExactly("the chain is empty");
  }
}
