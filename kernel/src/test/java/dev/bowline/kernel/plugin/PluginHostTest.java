package dev.bowline.kernel.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.plugin.NamedFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHostTest {

  @TempDir Path work;

  private Path pluginsDir() throws IOException {
    return Files.createDirectories(work.resolve("plugins"));
  }

  /** Source of a load balancer factory that always picks the host at {@code index}. */
  private static String balancerSource(String pkg, String name, int priority, int index) {
    return """
        package %1$s;
        import dev.bowline.spi.lb.*;
        import dev.bowline.spi.plugin.*;
        import java.util.Map;
        public class Balancer implements LoadBalancerFactory<String> {
          public String name() { return "%2$s"; }
          public int priority() { return %3$d; }
          public ConfigOrError<String> parseConfig(Map<String, ?> raw) { return ConfigOrError.of("ok"); }
          public LoadBalancer newLoadBalancer(String config, PluginContext ctx) {
            return hosts -> context -> hosts.isEmpty() ? null : hosts.get(Math.min(%4$d, hosts.size() - 1));
          }
        }
        """
        .formatted(pkg, name, priority, index);
  }

  private Path balancerJar(Path dir, String id, String name, int priority, int index)
      throws IOException {
    String pkg = "test." + id.replace('-', '_');
    return move(
        PluginArchiveBuilder.plugin(work, id)
            .source(pkg + ".Balancer", balancerSource(pkg, name, priority, index))
            .extension(pkg + ".Balancer")
            .buildJar(id + ".jar"),
        dir);
  }

  private static Path move(Path p, Path dir) {
    try {
      return Files.move(p, dir.resolve(p.getFileName()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static PluginHost start(Path dir) {
    return PluginHost.start(PluginHostConfig.of(dir), new MetricRegistry());
  }

  private static PluginStatus status(PluginHost host, String id) {
    return host.plugins().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  private static UpstreamHost host(int port) {
    Endpoint e = Endpoint.of("127.0.0.1", port);
    return new UpstreamHost() {
      public Endpoint endpoint() {
        return e;
      }

      public int activeRequests() {
        return 0;
      }
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int pickPort(PluginHost host, LoadBalancerFactory factory) {
    Object config = factory.parseConfig(Map.of()).value();
    var lb = factory.newLoadBalancer(config, host.contextFor(factory));
    return lb.newPicker(List.of(host(1001), host(1002), host(1003))).pick(PickContext.NONE).endpoint().port();
  }

  @Test
  void loadsAJarPluginAndFindsItsFactoryThroughThePluginClassLoaderOnly() throws IOException {
    Path dir = pluginsDir();
    balancerJar(dir, "first-lb", "test.lb.first", 5, 0);

    try (PluginHost host = start(dir)) {
      PluginStatus s = status(host, "first-lb");
      assertThat(s.state()).isEqualTo(PluginState.STARTED);
      assertThat(s.version()).isEqualTo("1.0.0");
      assertThat(s.extensions())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.point()).isEqualTo("load-balancer");
                assertThat(e.name()).isEqualTo("test.lb.first");
              });
      LoadBalancerFactory<?> factory =
          host.factory(LoadBalancerFactory.class, "test.lb.first").orElseThrow();
      assertThat(factory.getClass().getClassLoader()).isInstanceOf(HostFirstPluginClassLoader.class);
      assertThatThrownBy(() -> Class.forName("test.first_lb.Balancer"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThat(pickPort(host, factory)).isEqualTo(1001);
      assertThat(host.hasFailures()).isFalse();
    }
  }

  @Test
  void aJarPluginsNestedLibrariesAreOnItsClassPath() throws IOException {
    Path dir = pluginsDir();
    Path lib =
        PluginArchiveBuilder.notAPlugin(work)
            .source("thirdparty.Chooser", "package thirdparty; public class Chooser { public static int index() { return 2; } }")
            .buildLibraryJar("chooser-1.0.jar");
    String code =
        balancerSource("test.nested", "test.lb.nested", 5, 0)
            .replace("Math.min(0,", "Math.min(thirdparty.Chooser.index(),");
    move(
        PluginArchiveBuilder.plugin(work, "nested")
            .lib(lib)
            .source("test.nested.Balancer", code)
            .extension("test.nested.Balancer")
            .buildJar("nested.jar"),
        dir);

    try (PluginHost host = start(dir)) {
      assertThat(status(host, "nested").state()).isEqualTo(PluginState.STARTED);
      assertThat(pickPort(host, host.factory(LoadBalancerFactory.class, "test.lb.nested").orElseThrow()))
          .isEqualTo(1003);
    }
  }

  @Test
  void loadsAZipPluginWithClassesAndLib() throws IOException {
    Path dir = pluginsDir();
    Path lib =
        PluginArchiveBuilder.notAPlugin(work)
            .source("thirdparty.Chooser", "package thirdparty; public class Chooser { public static int index() { return 1; } }")
            .buildLibraryJar("chooser-1.0.jar");
    String code =
        balancerSource("test.zipped", "test.lb.zipped", 5, 0)
            .replace("Math.min(0,", "Math.min(thirdparty.Chooser.index(),");
    move(
        PluginArchiveBuilder.plugin(work, "zipped")
            .lib(lib)
            .source("test.zipped.Balancer", code)
            .extension("test.zipped.Balancer")
            .buildZip("zipped.zip"),
        dir);

    try (PluginHost host = start(dir)) {
      assertThat(status(host, "zipped").state()).isEqualTo(PluginState.STARTED);
      assertThat(pickPort(host, host.factory(LoadBalancerFactory.class, "test.lb.zipped").orElseThrow()))
          .isEqualTo(1002);
    }
  }

  @Test
  void aPluginThatBundlesTheSpiStillSharesTheHostsInterfaces() throws IOException {
    Path dir = pluginsDir();
    move(
        PluginArchiveBuilder.plugin(work, "bundler")
            .source("test.bundler.Balancer", balancerSource("test.bundler", "test.lb.bundler", 5, 0))
            .extension("test.bundler.Balancer")
            .entry("dev/bowline/spi/plugin/NamedFactory.class", PluginArchiveBuilder.hostClassBytes(NamedFactory.class))
            .entry("dev/bowline/spi/lb/LoadBalancerFactory.class", PluginArchiveBuilder.hostClassBytes(LoadBalancerFactory.class))
            .buildJar("bundler.jar"),
        dir);

    try (PluginHost host = start(dir)) {
      assertThat(status(host, "bundler").state()).isEqualTo(PluginState.STARTED);
      assertThat(host.factory(LoadBalancerFactory.class, "test.lb.bundler")).isPresent();
    }
  }

  @Test
  void eachBrokenPluginFailsWithItsReasonWhileTheOthersStart() throws IOException {
    Path dir = pluginsDir();
    balancerJar(dir, "good", "test.lb.good", 5, 0);
    // 1. a jar that is not a plugin
    move(
        PluginArchiveBuilder.notAPlugin(work)
            .source("x.Y", "package x; public class Y {}")
            .buildLibraryJar("commons-whatever-1.0.jar"),
        dir);
    // 2. an extension index naming a class that is not there
    move(
        PluginArchiveBuilder.plugin(work, "missing-class")
            .extension("test.missing.Ghost")
            .buildJar("missing-class.jar"),
        dir);
    // 3. a second plugin with an id already taken ("good.jar" sorts before "good2.jar")
    Path dup =
        PluginArchiveBuilder.plugin(work, "good")
            .source("test.dup.Balancer", balancerSource("test.dup", "test.lb.dup", 5, 0))
            .extension("test.dup.Balancer")
            .buildJar("good2.jar");
    move(dup, dir);
    // 4. a plugin that needs a newer Bowline
    move(
        PluginArchiveBuilder.plugin(work, "from-the-future")
            .manifest("Plugin-Requires", ">=99.0.0")
            .source("test.future.Balancer", balancerSource("test.future", "test.lb.future", 5, 0))
            .extension("test.future.Balancer")
            .buildJar("from-the-future.jar"),
        dir);
    // 5. a plugin whose start throws
    move(
        PluginArchiveBuilder.plugin(work, "explodes")
            .manifest("Plugin-Class", "test.explodes.ExplodingPlugin")
            .source(
                "test.explodes.ExplodingPlugin",
                "package test.explodes; public class ExplodingPlugin extends org.pf4j.Plugin {"
                    + " public void start() { throw new IllegalStateException(\"boom: no database\"); } }")
            .source("test.explodes.Balancer", balancerSource("test.explodes", "test.lb.explodes", 5, 0))
            .extension("test.explodes.Balancer")
            .buildJar("explodes.jar"),
        dir);
    // 6. a Plugin-Class that does not exist
    move(
        PluginArchiveBuilder.plugin(work, "no-plugin-class")
            .manifest("Plugin-Class", "test.nope.Missing")
            .source("test.nope.Balancer", balancerSource("test.nope", "test.lb.nope", 5, 0))
            .extension("test.nope.Balancer")
            .buildJar("no-plugin-class.jar"),
        dir);
    // 7. an extension whose name is not canonical
    move(
        PluginArchiveBuilder.plugin(work, "bad-name")
            .source("test.badname.Balancer", balancerSource("test.badname", "Not A Name", 5, 0))
            .extension("test.badname.Balancer")
            .buildJar("bad-name.jar"),
        dir);

    try (PluginHost host = start(dir)) {
      assertThat(status(host, "good").state()).isEqualTo(PluginState.STARTED);
      assertThat(host.factory(LoadBalancerFactory.class, "test.lb.good")).isPresent();

      assertThat(status(host, "commons-whatever-1.0.jar"))
          .satisfies(s -> assertThat(s.state()).isEqualTo(PluginState.FAILED))
          .satisfies(s -> assertThat(s.reason()).startsWith("not a plugin"));
      assertThat(status(host, "missing-class").reason())
          .contains("test.missing.Ghost cannot be loaded")
          .contains("ClassNotFoundException");
      PluginStatus duplicate =
          host.plugins().stream()
              .filter(s -> s.path().getFileName().toString().equals("good2.jar"))
              .findFirst()
              .orElseThrow();
      assertThat(duplicate.state()).isEqualTo(PluginState.FAILED);
      assertThat(duplicate.reason()).isEqualTo("duplicate plugin id 'good': already loaded from good.jar");
      assertThat(status(host, "from-the-future"))
          .satisfies(s -> assertThat(s.state()).isEqualTo(PluginState.FAILED))
          .satisfies(s -> assertThat(s.reason()).startsWith("requires Bowline >=99.0.0 but this is "));
      assertThat(status(host, "explodes").reason())
          .isEqualTo("start failed: IllegalStateException: boom: no database");
      assertThat(status(host, "no-plugin-class").reason())
          .contains("Plugin-Class 'test.nope.Missing' cannot be loaded");
      assertThat(status(host, "bad-name").reason()).contains("'Not A Name'").contains("canonical");

      assertThat(host.plugins())
          .filteredOn(s -> s.state() == PluginState.FAILED)
          .hasSize(7)
          .allSatisfy(s -> assertThat(s.extensions()).isEmpty());
      assertThat(host.hasFailures()).isTrue();
      assertThat(host.factories(LoadBalancerFactory.class))
          .extracting(NamedFactory::name)
          .containsExactly("test.lb.good");
    }
  }

  @Test
  void pluginsCanBeDisabledOrAllowListedInConfiguration() throws IOException {
    Path dir = pluginsDir();
    balancerJar(dir, "alpha", "test.lb.alpha", 5, 0);
    balancerJar(dir, "beta", "test.lb.beta", 5, 0);
    balancerJar(dir, "gamma", "test.lb.gamma", 5, 0);

    var config = new PluginHostConfig(dir, Set.of(), Set.of("beta"), Map.of());
    try (PluginHost host = PluginHost.start(config, new MetricRegistry())) {
      assertThat(status(host, "alpha").state()).isEqualTo(PluginState.STARTED);
      assertThat(status(host, "beta").state()).isEqualTo(PluginState.DISABLED);
      assertThat(status(host, "beta").reason()).contains("plugins.disabled");
      assertThat(host.factory(LoadBalancerFactory.class, "test.lb.beta")).isEmpty();
      assertThat(host.hasFailures()).isFalse();
    }
    var allowList = new PluginHostConfig(dir, Set.of("gamma"), Set.of(), Map.of());
    try (PluginHost host = PluginHost.start(allowList, new MetricRegistry())) {
      assertThat(host.plugins())
          .extracting(PluginStatus::id, PluginStatus::state)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("alpha", PluginState.DISABLED),
              org.assertj.core.groups.Tuple.tuple("beta", PluginState.DISABLED),
              org.assertj.core.groups.Tuple.tuple("gamma", PluginState.STARTED));
    }
  }

  @Test
  void theHighestPriorityFactoryOfANameWins() throws IOException {
    Path dir = pluginsDir();
    balancerJar(dir, "low", "test.lb.shared", 3, 0);
    balancerJar(dir, "high", "test.lb.shared", 8, 2);

    try (PluginHost host = start(dir)) {
      assertThat(host.factories(LoadBalancerFactory.class))
          .extracting(NamedFactory::priority)
          .containsExactly(8, 3);
      assertThat(pickPort(host, host.factory(LoadBalancerFactory.class, "test.lb.shared").orElseThrow()))
          .isEqualTo(1003);
    }
  }

  @Test
  void pluginConfigurationReachesThePluginContext() throws IOException {
    Path dir = pluginsDir();
    balancerJar(dir, "configured", "test.lb.configured", 5, 0);
    var config =
        new PluginHostConfig(dir, Set.of(), Set.of(), Map.of("configured", Map.of("choiceCount", 3)));
    try (PluginHost host = PluginHost.start(config, new MetricRegistry())) {
      var factory = host.factory(LoadBalancerFactory.class, "test.lb.configured").orElseThrow();
      assertThat(host.contextFor(factory).config()).containsEntry("choiceCount", 3);
      assertThat(host.contextFor(factory).pluginId()).isEqualTo("configured");
    }
  }

  @Test
  void aSecondCloseReturnsOnlyOnceTheFirstHasFinished() throws Exception {
    // A process closes its host from its main thread and from its shutdown hook; the JVM halts
    // when the hook returns, so the hook's close must not return while the main thread's is still
    // stopping plugins and deleting the scratch directory.
    Path dir = pluginsDir();
    Path stopping = work.resolve("stopping");
    move(
        PluginArchiveBuilder.plugin(work, "slow-stop")
            .manifest("Plugin-Class", "test.slowstop.SlowPlugin")
            .source(
                "test.slowstop.SlowPlugin",
                "package test.slowstop; public class SlowPlugin extends org.pf4j.Plugin {"
                    + " public void stop() { try {"
                    + " java.nio.file.Files.createFile(java.nio.file.Path.of(System.getProperty(\"bowline.test.stopping\")));"
                    + " Thread.sleep(500); } catch (Exception e) { throw new RuntimeException(e); } } }")
            .source("test.slowstop.Balancer", balancerSource("test.slowstop", "test.lb.slowstop", 5, 0))
            .extension("test.slowstop.Balancer")
            .buildJar("slow-stop.jar"),
        dir);
    System.setProperty("bowline.test.stopping", stopping.toString());
    try {
      PluginHost host = start(dir);
      assertThat(status(host, "slow-stop").state()).isEqualTo(PluginState.STARTED);
      CompletableFuture<Void> first = CompletableFuture.runAsync(host::close);
      await().until(() -> Files.exists(stopping));

      host.close();

      assertThat(first).as("the first close had finished when the second returned").isDone();
    } finally {
      System.clearProperty("bowline.test.stopping");
    }
  }

  @Test
  void aMissingPluginsDirectoryMeansNoPlugins() {
    try (PluginHost host = start(work.resolve("absent"))) {
      assertThat(host.plugins()).isEmpty();
      assertThat(host.hasFailures()).isFalse();
    }
  }
}
