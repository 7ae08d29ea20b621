package dev.bowline.plugins.ca.selfsigned;

import static dev.bowline.plugins.ca.selfsigned.RotatingCa.encoded;
import static dev.bowline.plugins.ca.selfsigned.RotatingCa.files;
import static dev.bowline.plugins.ca.selfsigned.RotatingCa.validates;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.ca.RootRotation.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up over the files a crash inside a rotation step leaves, arranged as the step's file
 * operations would have left them (see {@link RootRotationFiles}): the CA comes up in the phase
 * before the step or after it, never with an error or a lost key.
 */
class RootRotationRecoveryTest {

  @TempDir Path dir;

  @Test
  void aPrepareCutShortLeavesTheCaIdleAndThePrepareCanBeRepeated() throws Exception {
    RotatingCa ca = RotatingCa.start(dir, true);
    List<X509Certificate> idle = ca.ca().trustBundle();
    Path staging = dir.resolve(".next.tmp");
    Files.createDirectory(staging);
    Files.copy(dir.resolve("root-key.pem"), staging.resolve("root-key.pem"));
    Files.writeString(staging.resolve(".root-cert.pem123.tmp"), "-----BEGIN CERT");

    RotatingCa restarted = RotatingCa.start(dir, true);

    assertThat(restarted.rotation().phase()).isEqualTo(Phase.IDLE);
    assertThat(encoded(restarted.ca().trustBundle())).isEqualTo(encoded(idle));
    assertThat(staging).doesNotExist();
    restarted.rotation().prepare();
    assertThat(restarted.rotation().phase()).isEqualTo(Phase.PREPARED);
    assertThat(restarted.ca().trustBundle()).hasSize(2);
  }

  @Test
  void aFullyWrittenButUnrenamedNextIsDiscarded() throws Exception {
    RotatingCa ca = RotatingCa.start(dir, false);
    List<X509Certificate> idle = ca.ca().trustBundle();
    ca.rotation().prepare();
    Files.move(dir.resolve("next"), dir.resolve(".next.tmp"));

    RotatingCa restarted = RotatingCa.start(dir, false);

    assertThat(restarted.rotation().phase()).isEqualTo(Phase.IDLE);
    assertThat(encoded(restarted.ca().trustBundle())).isEqualTo(encoded(idle));
    assertThat(files(dir)).containsExactly("root-cert.pem", "root-key.pem");
  }

  @Test
  void anActivateCutShortBeforeItsMarkerMovedIsStillPrepared() throws Exception {
    RotatingCa ca = RotatingCa.start(dir, false);
    ca.rotation().prepare();
    Files.writeString(dir.resolve("next/.ACTIVE4711.tmp"), "The root");
    Files.writeString(dir.resolve(".root-key.pem99.tmp"), "half a key");

    RotatingCa restarted = RotatingCa.start(dir, false);

    assertThat(restarted.rotation().phase()).isEqualTo(Phase.PREPARED);
    assertThat(encoded(restarted.ca().trustBundle())).isEqualTo(encoded(ca.ca().trustBundle()));
    assertThat(files(dir)).containsExactly(
        "next/root-cert.pem", "next/root-key.pem", "root-cert.pem", "root-key.pem");
  }

  @Test
  void aRetireCutShortBeforeItsMarkerIsStillActivatedAndCanBeRepeated() throws Exception {
    Rotation r = activated(true);
    archive(r.oldRoot);

    RotatingCa restarted = RotatingCa.start(dir, true);

    assertThat(restarted.rotation().phase()).isEqualTo(Phase.ACTIVATED);
    assertThat(encoded(restarted.ca().trustBundle()))
        .isEqualTo(encoded(List.of(r.newRoot, r.oldRoot)));
    restarted.rotation().retire();
    assertRetired(r, true);
  }

  @Test
  void aRetireCutShortWhileDeletingAStaleIntermediateIsStillActivated() throws Exception {
    RotatingCa.start(dir, true);
    Rotation r = activated(false);
    archive(r.oldRoot);
    Files.delete(dir.resolve("ca-key.pem"));

    RotatingCa restarted = RotatingCa.start(dir, false);

    assertThat(restarted.rotation().phase()).isEqualTo(Phase.ACTIVATED);
    restarted.rotation().retire();
    assertRetired(r, false);
  }

  @Test
  void aRetireCutShortRightAfterItsMarkerIsFinishedAtStart() throws Exception {
    Rotation r = activated(true);
    archive(r.oldRoot);
    Files.move(dir.resolve("next/ACTIVE"), dir.resolve("next/RETIRING"));

    assertRetired(r, true);
  }

  @Test
  void aRetireCutShortHalfWayThroughTheMovesIsFinishedAtStart() throws Exception {
    Rotation r = activated(true);
    archive(r.oldRoot);
    Files.move(dir.resolve("next/ACTIVE"), dir.resolve("next/RETIRING"));
    for (String name : List.of("ca-key.pem", "ca-cert.pem")) {
      Files.delete(dir.resolve(name));
      Files.move(dir.resolve("next").resolve(name), dir.resolve(name));
    }
    Files.delete(dir.resolve("root-key.pem"));

    assertRetired(r, true);
  }

  @Test
  void aRetireCutShortJustBeforeTheLastMoveIsFinishedAtStart() throws Exception {
    Rotation r = activated(false);
    archive(r.oldRoot);
    Files.move(dir.resolve("next/ACTIVE"), dir.resolve("next/RETIRING"));
    Files.delete(dir.resolve("root-key.pem"));
    Files.move(dir.resolve("next/root-key.pem"), dir.resolve("root-key.pem"));
    Files.delete(dir.resolve("root-cert.pem"));

    assertRetired(r, false);
  }

  @Test
  void aRetireCutShortAfterTheMovesIsFinishedAtStart() throws Exception {
    Rotation r = activated(true);
    archive(r.oldRoot);
    Files.move(dir.resolve("next/ACTIVE"), dir.resolve("next/RETIRING"));
    for (String name : List.of("ca-key.pem", "ca-cert.pem", "root-key.pem", "root-cert.pem")) {
      Files.delete(dir.resolve(name));
      Files.move(dir.resolve("next").resolve(name), dir.resolve(name));
    }
    Files.writeString(dir.resolve("next/.ACTIVE1.tmp"), "left by an earlier crash");

    assertRetired(r, true);
  }

  @Test
  void anEmptyNextLeftByAFinishedRetireIsRemovedAtStart() throws Exception {
    Rotation r = activated(false);
    r.ca.rotation().retire();
    Files.createDirectory(dir.resolve("next"));

    assertRetired(r, false);
  }

  /** Starts a CA, records its root and key, and rotates it to ACTIVATED. */
  private Rotation activated(boolean intermediate) throws Exception {
    RotatingCa ca = RotatingCa.start(dir, intermediate);
    X509Certificate oldRoot = ca.ca().trustBundle().get(0);
    String oldKey = Files.readString(dir.resolve("root-key.pem")).strip();
    ca.rotation().prepare();
    ca.rotation().activate();
    return new Rotation(ca, oldRoot, oldKey, ca.ca().trustBundle().get(0));
  }

  /** The first file operation of a retire: the old root's certificate in {@code retired/}. */
  private void archive(X509Certificate oldRoot) throws Exception {
    CaFiles retired = new CaFiles(dir.resolve("retired"));
    retired.createDirectory();
    retired.write(oldRoot.getSerialNumber().toString(16) + "-root-cert.pem", CaFiles.pem(oldRoot));
  }

  /** A CA started over the directory (twice) has retired {@code r}'s old root. */
  private void assertRetired(Rotation r, boolean intermediate) throws Exception {
    for (int start = 0; start < 2; start++) {
      RotatingCa ca = RotatingCa.start(dir, intermediate);

      assertThat(ca.rotation().phase()).isEqualTo(Phase.IDLE);
      assertThat(encoded(ca.ca().trustBundle())).isEqualTo(encoded(List.of(r.newRoot)));
      List<X509Certificate> chain = ca.sign();
      assertThat(validates(chain, List.of(r.newRoot))).isTrue();
      assertThat(validates(chain, List.of(r.oldRoot))).isFalse();
      String archive = "retired/" + r.oldRoot.getSerialNumber().toString(16) + "-root-cert.pem";
      assertThat(files(dir))
          .containsExactlyElementsOf(
              intermediate
                  ? List.of("ca-cert.pem", "ca-key.pem", archive, "root-cert.pem", "root-key.pem")
                  : List.of(archive, "root-cert.pem", "root-key.pem"));
      assertThat(dir.resolve("next")).doesNotExist();
      assertThat(Files.readString(dir.resolve(archive))).isEqualTo(CaFiles.pem(r.oldRoot));
      assertThat(RotatingCa.anyFileHolds(dir, r.oldKey)).as("the old root key is gone").isFalse();
    }
  }

  private record Rotation(
      RotatingCa ca, X509Certificate oldRoot, String oldKey, X509Certificate newRoot) {}
}
