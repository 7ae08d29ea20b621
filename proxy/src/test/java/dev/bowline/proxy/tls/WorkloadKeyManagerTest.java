package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.identity.WorkloadSecrets;
import org.junit.jupiter.api.Test;

/** The alias contract of {@link WorkloadKeyManager} across a certificate renewal. */
class WorkloadKeyManagerTest {

  private final TestSvids.Authority root = TestSvids.root("Root");
  private final WorkloadSecrets secrets = new WorkloadSecrets();
  private final WorkloadKeyManager manager = new WorkloadKeyManager(secrets);

  @Test
  void offersNothingBeforeACertificateArrivesOrForAnotherKeyType() {
    assertThat(manager.chooseEngineServerAlias("EC", null, null)).isNull();
    secrets.installCertificate(root.leaf().serviceAccount("a").build());
    assertThat(manager.chooseEngineServerAlias("RSA", null, null)).isNull();
    assertThat(manager.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null)).isNotNull();
  }

  @Test
  void anAliasChosenBeforeARenewalStillYieldsItsOwnChainAndKey() {
    CertifiedKey first = root.leaf().serviceAccount("a").build();
    secrets.installCertificate(first);
    String alias = manager.chooseEngineServerAlias("EC", null, null);

    CertifiedKey renewed = root.leaf().serviceAccount("a").build();
    secrets.installCertificate(renewed);
    String next = manager.chooseEngineServerAlias("EC", null, null);

    assertThat(next).isNotEqualTo(alias);
    assertThat(manager.getCertificateChain(alias)[0]).isEqualTo(first.leaf());
    assertThat(manager.getPrivateKey(alias)).isSameAs(first.privateKey());
    assertThat(manager.getCertificateChain(next)[0]).isEqualTo(renewed.leaf());
    assertThat(manager.getPrivateKey(next)).isSameAs(renewed.privateKey());
    // The same certificate keeps its alias.
    assertThat(manager.chooseEngineServerAlias("EC", null, null)).isEqualTo(next);
  }

  @Test
  void onlyTheCurrentAndThePreviousCertificateStayResolvable() {
    secrets.installCertificate(root.leaf().serviceAccount("a").build());
    String oldest = manager.chooseEngineServerAlias("EC", null, null);
    secrets.installCertificate(root.leaf().serviceAccount("a").build());
    manager.chooseEngineServerAlias("EC", null, null);
    secrets.installCertificate(root.leaf().serviceAccount("a").build());
    manager.chooseEngineServerAlias("EC", null, null);
    assertThat(manager.getPrivateKey(oldest)).isNull();
    assertThat(manager.getCertificateChain("unknown")).isNull();
  }
}
