package dev.bowline.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Unpacks the tarball and uses it exactly as the README tells a user to. */
class DistributionIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Map<String, JsonNode> pluginsById(String json) throws Exception {
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode p : JSON.readTree(json).get("plugins")) {
      byId.put(p.get("id").asText(), p);
    }
    return byId;
  }

  @Test
  void unpacksToBinLibPluginsAndConf() throws Exception {
    Distribution d = Distribution.unpack("layout");

    assertThat(d.home().resolve("bin/bowline")).isExecutable();
    assertThat(d.home().resolve("bin/bowlinectl")).isExecutable();
    assertThat(d.home().resolve("conf/bowline.yaml")).isRegularFile();
    try (Stream<Path> lib = Files.list(d.home().resolve("lib"))) {
      assertThat(lib.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("bowline-kernel-"))
          .anyMatch(n -> n.startsWith("bowline-spi-"))
          .anyMatch(n -> n.startsWith("pf4j-"))
          .noneMatch(n -> n.startsWith("bowline-plugin-"));
    }
    try (Stream<Path> plugins = Files.list(d.plugins())) {
      assertThat(plugins.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "bowline-plugin-lb-least-request-" + Distribution.VERSION + ".jar",
              "bowline-plugin-lb-ring-hash-" + Distribution.VERSION + ".jar",
              "bowline-plugin-ca-selfsigned-" + Distribution.VERSION + ".jar",
              "bowline-plugin-ca-file-" + Distribution.VERSION + ".jar");
    }
  }

  @Test
  void bowlinectlListsTheShippedPluginsAsStarted() throws Exception {
    Distribution d = Distribution.unpack("shipped");

    Distribution.Result r = d.launch("bowlinectl", "plugins", "-o", "json");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    JsonNode leastRequest = pluginsById(r.stdout()).get("lb-least-request");
    assertThat(leastRequest.get("state").asText()).isEqualTo("STARTED");
    assertThat(leastRequest.get("version").asText()).isEqualTo(Distribution.VERSION);
    assertThat(leastRequest.at("/extensions/0/point").asText()).isEqualTo("load-balancer");
    assertThat(leastRequest.at("/extensions/0/name").asText()).isEqualTo("bowline.lb.least_request");
    for (String ca : new String[] {"selfsigned", "file"}) {
      JsonNode plugin = pluginsById(r.stdout()).get("ca-" + ca);
      assertThat(plugin.get("state").asText()).as("ca-" + ca).isEqualTo("STARTED");
      assertThat(plugin.at("/extensions/0/name").asText()).isEqualTo("bowline.ca." + ca);
    }

    Distribution.Result table = d.launch("bowlinectl", "plugins");
    assertThat(table.exitCode()).isZero();
    assertThat(table.stdout()).containsPattern("lb-least-request\\s+\\S+\\s+STARTED");
    assertThat(table.stderr()).isEmpty();
  }

  @Test
  void aJarThatIsNotAPluginIsListedAsFailedWhileTheOthersStart() throws Exception {
    Distribution d = Distribution.unpack("not-a-plugin");
    Path somelib;
    try (Stream<Path> lib = Files.list(d.home().resolve("lib"))) {
      somelib = lib.filter(p -> p.getFileName().toString().startsWith("picocli-")).findFirst().orElseThrow();
    }
    Files.copy(somelib, d.plugins().resolve("picocli.jar"));

    Distribution.Result r = d.launch("bowlinectl", "plugins", "-o", "json");

    assertThat(r.exitCode()).as("exit code says something failed").isEqualTo(3);
    Map<String, JsonNode> plugins = pluginsById(r.stdout());
    assertThat(plugins.get("picocli.jar").get("state").asText()).isEqualTo("FAILED");
    assertThat(plugins.get("picocli.jar").get("reason").asText()).startsWith("not a plugin");
    assertThat(plugins.get("lb-least-request").get("state").asText()).isEqualTo("STARTED");
  }

  @Test
  void theLaunchersHaveHelpVersionAndMeaningfulExitCodes() throws Exception {
    Distribution d = Distribution.unpack("launchers");

    Distribution.Result help = d.launch("bowline", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout()).contains("control-plane").contains("proxy").contains("version");

    Distribution.Result version = d.launch("bowline", "version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.stdout()).startsWith("bowline " + Distribution.VERSION);

    Distribution.Result ctlVersion = d.launch("bowlinectl", "--version");
    assertThat(ctlVersion.stdout()).contains(Distribution.VERSION);

    Distribution.Result wrong = d.launch("bowlinectl", "plugins", "--no-such-option");
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.stderr()).contains("--no-such-option");

    Distribution.Result proxy = d.launch("bowline", "proxy");
    assertThat(proxy.exitCode()).as("--bootstrap or --control-plane is required").isEqualTo(2);
    assertThat(proxy.stderr()).contains("--bootstrap", "--control-plane");

    Distribution.Result controlPlane = d.launch("bowline", "control-plane", "--xds-address", "nowhere");
    assertThat(controlPlane.exitCode()).isEqualTo(2);
    assertThat(controlPlane.stderr()).contains("--xds-address 'nowhere'");

    Distribution.Result ctlNoServer = d.launch("bowlinectl", "get", "vs", "--server", "http://127.0.0.1:1");
    assertThat(ctlNoServer.exitCode()).isEqualTo(1);
    assertThat(ctlNoServer.stderr()).contains("cannot reach the control plane at http://127.0.0.1:1");
  }
}
