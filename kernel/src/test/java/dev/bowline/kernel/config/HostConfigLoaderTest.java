package dev.bowline.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostConfigLoaderTest {

  @TempDir Path home;

  private Path write(String yaml) throws IOException {
    return Files.writeString(home.resolve("bowline.yaml"), yaml);
  }

  @Test
  void readsEverySection() throws Exception {
    Path file =
        write(
            """
            plugins:
              directory: extra/plugins
              enabled: [a, b]
              disabled: [c]
              config:
                a: {choiceCount: 3}
                b:
            """);

    var config = HostConfigLoader.load(file, home).plugins();

    assertThat(config.pluginsDir()).isEqualTo(home.resolve("extra/plugins"));
    assertThat(config.enabled()).containsExactlyInAnyOrder("a", "b");
    assertThat(config.disabled()).containsExactly("c");
    assertThat(config.pluginConfig()).containsEntry("a", Map.of("choiceCount", 3)).containsEntry("b", Map.of());
  }

  @Test
  void anEmptyFileMeansDefaults() throws Exception {
    var config = HostConfigLoader.load(write(""), home).plugins();
    assertThat(config.pluginsDir()).isEqualTo(home.resolve("plugins"));
    assertThat(config.disabled()).isEmpty();
  }

  @Test
  void errorsNameTheFileAndTheField() throws IOException {
    Path unknown = write("plugin: {}\n");
    assertThatThrownBy(() -> HostConfigLoader.load(unknown, home))
        .hasMessage(unknown + ": plugin: unknown field (known: plugins)");

    Path notAList = write("plugins:\n  disabled: lb-least-request\n");
    assertThatThrownBy(() -> HostConfigLoader.load(notAList, home))
        .hasMessageEndingWith("plugins.disabled: must be a list of plugin ids");

    Path badEntry = write("plugins:\n  enabled: [ok, {x: 1}]\n");
    assertThatThrownBy(() -> HostConfigLoader.load(badEntry, home))
        .hasMessageEndingWith("plugins.enabled[1]: must be a plugin id");

    Path badSection = write("plugins:\n  config:\n    a: [1, 2]\n");
    assertThatThrownBy(() -> HostConfigLoader.load(badSection, home))
        .hasMessageEndingWith("plugins.config.a: must be a mapping");

    Path notYaml = write("plugins: [unclosed\n");
    assertThatThrownBy(() -> HostConfigLoader.load(notYaml, home)).hasMessageContaining("not valid YAML");
  }
}
