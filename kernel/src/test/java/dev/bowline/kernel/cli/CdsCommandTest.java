package dev.bowline.kernel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.BootstrapLoader;
import dev.bowline.proxy.config.ProxyConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@code bowline cds} that need no second JVM (CdsIT runs the whole command). */
class CdsCommandTest {

  @Test
  void theTrainingBootstrapIsOneTheProxyAccepts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bootstrap.yaml");
    Files.writeString(file, CdsCommand.trainingBootstrap(15001, 15000));

    ProxyConfig config = new BootstrapLoader().load(file);

    assertThat(config.listeners()).singleElement().satisfies(l -> assertThat(l.name()).isEqualTo("cds-training"));
  }

  @Test
  void withoutAnArchivePathItSaysHowToNameOne() {
    StringWriter err = new StringWriter();
    String saved = System.clearProperty(CdsCommand.ARCHIVE_PROPERTY);
    try {
      int code = Launchers.commandLine(new BowlineMain()).setErr(new PrintWriter(err)).execute("cds");
      assertThat(code).isEqualTo(ExitCodes.USAGE);
    } finally {
      if (saved != null) {
        System.setProperty(CdsCommand.ARCHIVE_PROPERTY, saved);
      }
    }
    assertThat(err.toString()).contains("--archive FILE");
  }
}
