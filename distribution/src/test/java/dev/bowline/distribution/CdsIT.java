package dev.bowline.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code bowline cds} writes a class-data archive that later starts of {@code bin/bowline} map. */
class CdsIT {

  private static final String SHARED_MAIN = "dev.bowline.kernel.cli.BowlineMain source: shared objects file (top)";

  @Test
  void laterStartsMapTheArchiveUnlessTurnedOff() throws Exception {
    Distribution d = Distribution.unpack("cds");

    Distribution.Result cds = d.launch("bowline", "cds");
    assertThat(cds.exitCode()).as(cds.stderr()).isZero();
    List<Path> archives;
    try (Stream<Path> files = Files.list(d.home().resolve("cds"))) {
      archives = files.toList();
    }
    assertThat(archives).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).endsWith(".jsa"));
    assertThat(cds.stdout()).contains("wrote " + archives.get(0));

    // -Xshare:on: the JVM refuses to start unless it maps the archive it was given.
    Distribution.Result shared =
        d.launch(Map.of("JAVA_OPTS", "-Xshare:on -Xlog:class+load=info"), "bowline", "version");
    assertThat(shared.exitCode()).as(shared.stdout() + shared.stderr()).isZero();
    assertThat(shared.stdout()).contains(SHARED_MAIN);

    Distribution.Result off =
        d.launch(Map.of("BOWLINE_CDS", "off", "JAVA_OPTS", "-Xlog:class+load=info"), "bowline", "version");
    assertThat(off.exitCode()).isZero();
    assertThat(off.stdout()).doesNotContain(SHARED_MAIN).contains("dev.bowline.kernel.cli.BowlineMain source: file:");
  }

  @Test
  void withoutTheLaunchersArchivePathItAsksForOne() throws Exception {
    Distribution d = Distribution.unpack("cds-unnamed");

    Distribution.Result cds = d.launch(Map.of("BOWLINE_CDS", "off"), "bowline", "cds");

    assertThat(cds.exitCode()).isEqualTo(2);
    assertThat(cds.stderr()).contains("--archive FILE");
  }
}
