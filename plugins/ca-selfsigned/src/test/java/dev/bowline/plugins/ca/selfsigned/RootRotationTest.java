package dev.bowline.plugins.ca.selfsigned;

import static dev.bowline.plugins.ca.selfsigned.RotatingCa.encoded;
import static dev.bowline.plugins.ca.selfsigned.RotatingCa.files;
import static dev.bowline.plugins.ca.selfsigned.RotatingCa.validates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.ca.RootRotation.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RootRotationTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "intermediate: {0}")
  @ValueSource(booleans = {false, true})
  void aFullCycleReplacesTheRootWithoutAChainThatStopsVerifying(boolean intermediate)
      throws Exception {
    RotatingCa ca = RotatingCa.start(dir, intermediate);
    X509Certificate oldRoot = ca.ca().trustBundle().get(0);
    String oldRootKey = Files.readString(dir.resolve("root-key.pem")).strip();
    String oldCaKey = intermediate ? Files.readString(dir.resolve("ca-key.pem")).strip() : null;
    List<X509Certificate> idleChain = ca.sign();
    assertThat(ca.rotation().phase()).isEqualTo(Phase.IDLE);
    assertThat(validates(idleChain, ca.ca().trustBundle())).isTrue();

    ca.rotation().prepare();

    assertThat(ca.rotation().phase()).isEqualTo(Phase.PREPARED);
    List<X509Certificate> prepared = ca.ca().trustBundle();
    assertThat(prepared).hasSize(2);
    assertThat(prepared.get(0)).isEqualTo(oldRoot);
    X509Certificate newRoot = prepared.get(1);
    assertThat(newRoot).isNotEqualTo(oldRoot);
    assertThat(newRoot.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(newRoot.getSubjectX500Principal()).isEqualTo(oldRoot.getSubjectX500Principal());
    newRoot.verify(newRoot.getPublicKey());
    List<X509Certificate> preparedChain = ca.sign();
    assertThat(chainRoot(preparedChain, prepared)).isEqualTo(oldRoot);
    assertThat(validates(preparedChain, List.of(oldRoot))).isTrue();
    assertThat(validates(preparedChain, List.of(newRoot))).isFalse();
    for (List<X509Certificate> chain : List.of(idleChain, preparedChain)) {
      assertThat(validates(chain, prepared)).isTrue();
    }
    assertThat(Files.readString(dir.resolve("next/root-cert.pem")))
        .isEqualTo(CaFiles.pem(newRoot));
    assertThat(dir.resolve("next/ca-key.pem").toFile().exists()).isEqualTo(intermediate);

    ca.rotation().activate();

    assertThat(ca.rotation().phase()).isEqualTo(Phase.ACTIVATED);
    List<X509Certificate> activated = ca.ca().trustBundle();
    assertThat(activated).containsExactly(newRoot, oldRoot);
    List<X509Certificate> activatedChain = ca.sign();
    assertThat(validates(activatedChain, List.of(newRoot))).isTrue();
    assertThat(validates(activatedChain, List.of(oldRoot))).isFalse();
    assertThat(activatedChain).hasSize(intermediate ? 2 : 1);
    if (intermediate) {
      activatedChain.get(1).verify(newRoot.getPublicKey());
      assertThat(activatedChain.get(1)).isNotEqualTo(preparedChain.get(1));
    }
    for (List<X509Certificate> chain : List.of(idleChain, preparedChain, activatedChain)) {
      assertThat(validates(chain, activated)).isTrue();
    }
    assertThat(SvidRules.violations(activatedChain, RotatingCa.REVIEWS, activated, Instant.now()))
        .isEmpty();

    ca.rotation().retire();

    assertThat(ca.rotation().phase()).isEqualTo(Phase.IDLE);
    assertThat(ca.ca().trustBundle()).containsExactly(newRoot);
    assertThat(validates(activatedChain, ca.ca().trustBundle())).isTrue();
    assertThat(validates(preparedChain, ca.ca().trustBundle())).isFalse();
    assertThat(validates(idleChain, ca.ca().trustBundle())).isFalse();
    List<X509Certificate> retiredChain = ca.sign();
    assertThat(validates(retiredChain, List.of(newRoot))).isTrue();
    if (intermediate) {
      assertThat(retiredChain.get(1)).isEqualTo(activatedChain.get(1));
    }

    String archive = "retired/" + oldRoot.getSerialNumber().toString(16) + "-root-cert.pem";
    List<String> expected =
        intermediate
            ? List.of("ca-cert.pem", "ca-key.pem", archive, "root-cert.pem", "root-key.pem")
            : List.of(archive, "root-cert.pem", "root-key.pem");
    assertThat(files(dir)).containsExactlyElementsOf(expected);
    assertThat(Files.readString(dir.resolve(archive))).isEqualTo(CaFiles.pem(oldRoot));
    assertThat(Files.readString(dir.resolve("root-cert.pem"))).isEqualTo(CaFiles.pem(newRoot));
    assertThat(RotatingCa.anyFileHolds(dir, oldRootKey)).as("the old root key is gone").isFalse();
    if (intermediate) {
      assertThat(RotatingCa.anyFileHolds(dir, oldCaKey)).as("the old CA key is gone").isFalse();
    }
    for (String file : expected) {
      assertThat(Files.getPosixFilePermissions(dir.resolve(file)))
          .as(file)
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(Files.getPosixFilePermissions(dir.resolve("retired")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    RotatingCa restarted = RotatingCa.start(dir, intermediate);
    assertThat(restarted.rotation().phase()).isEqualTo(Phase.IDLE);
    assertThat(encoded(restarted.ca().trustBundle())).isEqualTo(encoded(List.of(newRoot)));
  }

  @Test
  void theNextRootIsStoredOwnerOnlyAndAnRsaCaRotatesToAnRsaRoot() throws Exception {
    SelfSignedCaFactory factory = new SelfSignedCaFactory();
    var ca =
        factory.newAuthority(
            factory.parseConfig(Map.of("keyAlgorithm", "RSA", "intermediate", true)).value(),
            new TestContext(dir));
    var rotation = ca.rootRotation().orElseThrow();

    rotation.prepare();
    rotation.activate();

    X509Certificate newRoot = ca.trustBundle().get(0);
    assertThat(newRoot.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(newRoot.getSubjectX500Principal().getName()).contains("O=cluster.local");
    assertThat(Files.getPosixFilePermissions(dir.resolve("next")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(files(dir.resolve("next")))
        .containsExactly("ACTIVE", "ca-cert.pem", "ca-key.pem", "root-cert.pem", "root-key.pem");
    for (String file : files(dir.resolve("next"))) {
      assertThat(Files.getPosixFilePermissions(dir.resolve("next").resolve(file)))
          .as(file)
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
  }

  @Test
  void aStepFromTheWrongPhaseFailsNamingBothPhases() throws Exception {
    RotatingCa ca = RotatingCa.start(dir, false);

    assertThatThrownBy(() -> ca.rotation().activate())
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("phase IDLE")
        .hasMessageContaining("starts from phase PREPARED");
    ca.rotation().prepare();
    assertThatThrownBy(() -> ca.rotation().retire())
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("phase PREPARED")
        .hasMessageContaining("starts from phase ACTIVATED");
    ca.rotation().activate();
    assertThatThrownBy(() -> ca.rotation().prepare())
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("phase ACTIVATED")
        .hasMessageContaining("starts from phase IDLE");

    assertThat(ca.rotation().phase()).isEqualTo(Phase.ACTIVATED);
    assertThat(ca.ca().trustBundle()).hasSize(2);
  }

  @Test
  void repeatingTheStepThatLedToThePhaseChangesNothing() throws Exception {
    RotatingCa ca = RotatingCa.start(dir, true);
    List<X509Certificate> idle = ca.ca().trustBundle();

    ca.rotation().retire();
    assertThat(ca.rotation().phase()).isEqualTo(Phase.IDLE);
    assertThat(ca.ca().trustBundle()).isEqualTo(idle);
    assertThat(dir.resolve("retired")).doesNotExist();

    ca.rotation().prepare();
    List<X509Certificate> prepared = ca.ca().trustBundle();
    ca.rotation().prepare();
    assertThat(ca.rotation().phase()).isEqualTo(Phase.PREPARED);
    assertThat(ca.ca().trustBundle()).isEqualTo(prepared);
    assertThat(Files.readString(dir.resolve("next/root-cert.pem")))
        .isEqualTo(CaFiles.pem(prepared.get(1)));

    ca.rotation().activate();
    ca.rotation().activate();
    assertThat(ca.rotation().phase()).isEqualTo(Phase.ACTIVATED);
    assertThat(ca.ca().trustBundle()).containsExactly(prepared.get(1), prepared.get(0));

    ca.rotation().retire();
    ca.rotation().retire();
    assertThat(ca.rotation().phase()).isEqualTo(Phase.IDLE);
    assertThat(ca.ca().trustBundle()).containsExactly(prepared.get(1));
  }

  @ParameterizedTest(name = "intermediate: {0}")
  @ValueSource(booleans = {false, true})
  void aRestartedCaResumesInTheSamePhaseWithTheSameRoots(boolean intermediate) throws Exception {
    RotatingCa first = RotatingCa.start(dir, intermediate);
    first.rotation().prepare();

    RotatingCa second = RotatingCa.start(dir, intermediate);
    assertThat(second.rotation().phase()).isEqualTo(Phase.PREPARED);
    assertThat(encoded(second.ca().trustBundle())).isEqualTo(encoded(first.ca().trustBundle()));
    assertThat(encoded(second.sign().subList(1, intermediate ? 2 : 1)))
        .isEqualTo(encoded(first.sign().subList(1, intermediate ? 2 : 1)));
    assertThat(validates(second.sign(), List.of(first.ca().trustBundle().get(0)))).isTrue();

    second.rotation().activate();
    RotatingCa third = RotatingCa.start(dir, intermediate);
    assertThat(third.rotation().phase()).isEqualTo(Phase.ACTIVATED);
    assertThat(encoded(third.ca().trustBundle())).isEqualTo(encoded(second.ca().trustBundle()));
    assertThat(encoded(third.sign().subList(1, intermediate ? 2 : 1)))
        .isEqualTo(encoded(second.sign().subList(1, intermediate ? 2 : 1)));
    X509Certificate newRoot = second.ca().trustBundle().get(0);
    assertThat(validates(third.sign(), List.of(newRoot))).isTrue();

    third.rotation().retire();
    RotatingCa fourth = RotatingCa.start(dir, intermediate);
    assertThat(fourth.rotation().phase()).isEqualTo(Phase.IDLE);
    assertThat(encoded(fourth.ca().trustBundle())).isEqualTo(encoded(List.of(newRoot)));
    assertThat(validates(fourth.sign(), List.of(newRoot))).isTrue();
  }

  @Test
  void aSecondRotationRetiresTheFirstRotationsRoot() throws Exception {
    RotatingCa ca = RotatingCa.start(dir, true);
    X509Certificate first = ca.ca().trustBundle().get(0);
    rotate(ca);
    X509Certificate second = ca.ca().trustBundle().get(0);

    rotate(ca);

    X509Certificate third = ca.ca().trustBundle().get(0);
    assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
    assertThat(ca.ca().trustBundle()).containsExactly(third);
    assertThat(files(dir.resolve("retired")))
        .containsExactlyInAnyOrder(
            first.getSerialNumber().toString(16) + "-root-cert.pem",
            second.getSerialNumber().toString(16) + "-root-cert.pem");
    assertThat(validates(ca.sign(), List.of(third))).isTrue();
  }

  @Test
  void aRotationPreparedWithoutAnIntermediateGetsOneUnderTheNewRootWhenRestartedWithOne()
      throws Exception {
    RotatingCa without = RotatingCa.start(dir, false);
    without.rotation().prepare();
    without.rotation().activate();
    X509Certificate newRoot = without.ca().trustBundle().get(0);

    RotatingCa with = RotatingCa.start(dir, true);

    assertThat(with.rotation().phase()).isEqualTo(Phase.ACTIVATED);
    List<X509Certificate> chain = with.sign();
    assertThat(chain).hasSize(2);
    chain.get(1).verify(newRoot.getPublicKey());
    with.rotation().retire();
    assertThat(Files.readString(dir.resolve("ca-cert.pem"))).isEqualTo(CaFiles.pem(chain.get(1)));
    assertThat(RotatingCa.start(dir, true).sign().get(1)).isEqualTo(chain.get(1));
  }

  @Test
  void aCurrentRootMissingWhileARotationRunsIsAnErrorNotANewRoot() throws Exception {
    RotatingCa ca = RotatingCa.start(dir, false);
    ca.rotation().prepare();
    Files.delete(dir.resolve("root-cert.pem"));
    Files.delete(dir.resolve("root-key.pem"));

    assertThatThrownBy(() -> RotatingCa.start(dir, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.resolve("root-cert.pem") + " and ")
        .hasMessageContaining("root rotation is under way");
    assertThat(dir.resolve("root-cert.pem")).doesNotExist();
  }

  private static void rotate(RotatingCa ca) throws Exception {
    ca.rotation().prepare();
    ca.rotation().activate();
    ca.rotation().retire();
  }

  /** The root of {@code bundle} that {@code chain}'s last certificate is signed by. */
  private static X509Certificate chainRoot(
      List<X509Certificate> chain, List<X509Certificate> bundle) {
    X509Certificate top = chain.get(chain.size() - 1);
    for (X509Certificate root : bundle) {
      try {
        top.verify(root.getPublicKey());
        return root;
      } catch (Exception e) {
        // another root
      }
    }
    throw new AssertionError("no root of the bundle signed " + top);
  }
}
