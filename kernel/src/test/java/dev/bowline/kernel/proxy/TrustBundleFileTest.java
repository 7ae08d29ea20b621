package dev.bowline.kernel.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.citadel.TestCertificateAuthority;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.tls.CertificatePem;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code --ca-root} file follows the bundle a proxy holds, so that a restart after a root
 * rotation trusts the control plane: written when the roots change, left alone when they do not,
 * and a file that cannot be written costs nothing but a warning.
 */
class TrustBundleFileTest {

  @TempDir Path dir;

  @Test
  void followsTheBundleHeld() throws Exception {
    X509Certificate oldRoot = new TestCertificateAuthority().trustBundle().get(0);
    X509Certificate newRoot = new TestCertificateAuthority().trustBundle().get(0);
    Path file = dir.resolve("root.pem");
    Files.writeString(file, CertificatePem.of(oldRoot));
    WorkloadSecrets secrets = new WorkloadSecrets();
    secrets.installTrustBundle(List.of(oldRoot));
    TrustBundleFile.follow(file, List.of(oldRoot), secrets, Runnable::run);

    FileTime untouched = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(file, untouched);
    secrets.installTrustBundle(List.of(oldRoot)); // the same roots again
    assertThat(Files.getLastModifiedTime(file)).as("not rewritten for the same roots").isEqualTo(untouched);

    secrets.installTrustBundle(List.of(newRoot, oldRoot));
    assertThat(read(file)).containsExactly(newRoot, oldRoot);
    secrets.installTrustBundle(List.of(newRoot));
    assertThat(read(file)).containsExactly(newRoot);
    try (var leftovers = Files.list(dir)) {
      assertThat(leftovers).as("no temporary file left").containsExactly(file);
    }
  }

  @Test
  void aFileThatCannotBeWrittenCostsAWarningOnly() throws Exception {
    X509Certificate root = new TestCertificateAuthority().trustBundle().get(0);
    Path file = dir.resolve("missing-directory").resolve("root.pem");
    WorkloadSecrets secrets = new WorkloadSecrets();
    TrustBundleFile.follow(file, List.of(), secrets, Runnable::run);
    secrets.installTrustBundle(List.of(root));
    assertThat(secrets.trustBundle()).containsExactly(root);
    assertThat(file).doesNotExist();
  }

  private static List<X509Certificate> read(Path file) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    for (var c : CertificateFactory.getInstance("X.509").generateCertificates(
        new ByteArrayInputStream(Files.readString(file).getBytes(StandardCharsets.US_ASCII)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }
}
