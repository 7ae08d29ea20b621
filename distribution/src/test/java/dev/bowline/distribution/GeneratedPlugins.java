package dev.bowline.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

/**
 * The four plugin projects that the archetype's integration test generated and built in this
 * reactor build, one per extension point the archetype offers.
 */
final class GeneratedPlugins {

  /** One generated plugin: its integration-test case, artifact id and plugin id. */
  record Generated(String testCase, String artifactId, String pluginId, String extensionName) {

    Path jar() {
      Path jar =
          Path.of(System.getProperty("bowline.archetype.projects"))
              .resolve(testCase)
              .resolve("project")
              .resolve(artifactId)
              .resolve("target")
              .resolve(artifactId + "-1.0.0.jar");
      assertThat(jar)
          .as("the archetype's integration test builds %s (run mvn install from the root)", jar)
          .isRegularFile();
      return jar;
    }
  }

  static final Generated LOAD_BALANCER =
      new Generated("lb", "sample-lb-plugin", "sample-lb", "example.lb.sample");
  static final Generated POLICY =
      new Generated("policy", "sample-policy-plugin", "sample-policy", "example.policy.sample");
  static final Generated TELEMETRY =
      new Generated(
          "telemetry", "sample-telemetry-plugin", "sample-telemetry", "example.telemetry.sample");
  static final Generated PLATFORM =
      new Generated(
          "platform", "sample-platform-plugin", "sample-platform", "example.platform.sample");

  static final List<Generated> ALL = List.of(LOAD_BALANCER, POLICY, TELEMETRY, PLATFORM);

  private GeneratedPlugins() {}
}
