package dev.bowline.kernel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bowline.kernel.plugin.PluginArchiveBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PluginsCommandTest {

  @TempDir Path work;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Launchers.commandLine(new BowlineCtlMain());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path pluginsWithOneGoodPlugin() throws IOException {
    Path dir = Files.createDirectories(work.resolve("plugins"));
    Path jar =
        PluginArchiveBuilder.plugin(work, "sticky")
            .source(
                "test.sticky.Sticky",
                """
                package test.sticky;
                import dev.bowline.spi.lb.*;
                import dev.bowline.spi.plugin.*;
                import java.util.Map;
                public class Sticky implements LoadBalancerFactory<String> {
                  public String name() { return "test.lb.sticky"; }
                  public ConfigOrError<String> parseConfig(Map<String, ?> raw) { return ConfigOrError.of(""); }
                  public LoadBalancer newLoadBalancer(String c, PluginContext ctx) {
                    return hosts -> context -> hosts.isEmpty() ? null : hosts.get(0);
                  }
                }
                """)
            .extension("test.sticky.Sticky")
            .buildJar("sticky.jar");
    Files.move(jar, dir.resolve("sticky.jar"));
    return dir;
  }

  @Test
  void listsPluginsAsATable() throws IOException {
    Path dir = pluginsWithOneGoodPlugin();

    int code = run("plugins", "--plugins-dir", dir.toString());

    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .startsWith("ID ")
        .containsPattern("sticky\\s+1\\.0\\.0\\s+STARTED\\s+load-balancer test\\.lb\\.sticky\\s+-");
  }

  @Test
  void listsPluginsAsJsonAndExitsThreeWhenOneFailed() throws IOException {
    Path dir = pluginsWithOneGoodPlugin();
    Files.write(dir.resolve("not-a-plugin.jar"), new byte[] {'P', 'K', 3, 4, 0, 0});

    int code = run("plugins", "--plugins-dir", dir.toString(), "-o", "json");

    assertThat(code).isEqualTo(ExitCodes.DEGRADED);
    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(root.get("pluginsDir").asText()).isEqualTo(dir.toString());
    JsonNode plugins = root.get("plugins");
    assertThat(plugins).hasSize(2);
    JsonNode failed = plugins.get(0);
    assertThat(failed.get("id").asText()).isEqualTo("not-a-plugin.jar");
    assertThat(failed.get("state").asText()).isEqualTo("FAILED");
    assertThat(failed.get("reason").asText()).isNotBlank();
    JsonNode sticky = plugins.get(1);
    assertThat(sticky.get("state").asText()).isEqualTo("STARTED");
    assertThat(sticky.at("/extensions/0/name").asText()).isEqualTo("test.lb.sticky");
    assertThat(sticky.at("/extensions/0/point").asText()).isEqualTo("load-balancer");
  }

  @Test
  void honoursDisabledPluginsFromTheConfigurationFile() throws IOException {
    Path dir = pluginsWithOneGoodPlugin();
    Path conf = work.resolve("bowline.yaml");
    Files.writeString(conf, "plugins:\n  directory: " + dir + "\n  disabled: [sticky]\n");

    int code = run("plugins", "--config", conf.toString());

    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).containsPattern("sticky\\s+1\\.0\\.0\\s+DISABLED");
  }

  @Test
  void aBadConfigurationFileIsReportedWithItsField() throws IOException {
    Path conf = work.resolve("bowline.yaml");
    Files.writeString(conf, "plugins:\n  disabld: [sticky]\n");

    int code = run("plugins", "--config", conf.toString());

    assertThat(code).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("plugins.disabld: unknown field");
  }

  @Test
  void aWrongOptionIsAUsageError() {
    assertThat(run("plugins", "-o", "xml")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("xml").contains("--help");
    assertThat(run()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void everyCommandHasHelp() {
    assertThat(run("--help")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("plugins").contains("version");
    assertThat(run("plugins", "--help")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("--plugins-dir").contains("--output");
  }

  @Test
  void printsTheVersion() {
    assertThat(run("version")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).startsWith("bowline 0.");
  }
}
