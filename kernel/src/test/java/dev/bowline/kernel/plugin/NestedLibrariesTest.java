package dev.bowline.kernel.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginDescriptor;
import org.pf4j.DefaultPluginManager;
import org.pf4j.LegacyExtensionFinder;

class NestedLibrariesTest {

  @TempDir Path work;

  private Path pluginWithNestedLibrary() throws Exception {
    Path lib =
        PluginArchiveBuilder.notAPlugin(work)
            .source("thirdparty.Chooser", "package thirdparty; public class Chooser {}")
            .buildLibraryJar("chooser-1.0.jar");
    return PluginArchiveBuilder.plugin(work, "nested")
        .lib(lib)
        .source("test.nested.Own", "package test.nested; public class Own {}")
        .extension("test.nested.Own")
        .buildJar("nested.jar");
  }

  @Test
  void listsWithoutCopyingAndCopiesOnce() throws Exception {
    Path target = work.resolve("scratch/nested");
    NestedLibraries nested = NestedLibraries.of(pluginWithNestedLibrary(), target);

    assertThat(nested.isEmpty()).isFalse();
    assertThat(target).doesNotExist();
    assertThat(nested.extract()).containsExactly(target.resolve("chooser-1.0.jar"));
    assertThat(target.resolve("chooser-1.0.jar")).isRegularFile();
    assertThat(nested.extract()).isSameAs(nested.extract());
  }

  @Test
  void theClassLoaderCopiesThemOutOnlyWhenItsOwnClassesLackAName() throws Exception {
    Path jar = pluginWithNestedLibrary();
    Path target = work.resolve("scratch/nested");
    DefaultPluginManager manager = new DefaultPluginManager(work.resolve("plugins"));
    try (HostFirstPluginClassLoader loader =
        new HostFirstPluginClassLoader(
            manager,
            new DefaultPluginDescriptor("nested", "", "", "1.0.0", "", "", ""),
            getClass().getClassLoader(),
            NestedLibraries.of(jar, target))) {
      loader.addFile(jar.toFile());

      assertThat(loader.loadClass("test.nested.Own").getClassLoader()).isSameAs(loader);
      assertThat(Collections.list(loader.findResources(LegacyExtensionFinder.EXTENSIONS_RESOURCE)))
          .hasSize(1);
      assertThat(target).as("the plugin's own classes and extension index need no copy").doesNotExist();

      Class<?> chooser = loader.loadClass("thirdparty.Chooser");
      assertThat(chooser.getClassLoader()).isSameAs(loader);
      assertThat(Files.list(target)).hasSize(1);
      URL resource = loader.getResource("thirdparty/Chooser.class");
      assertThat(resource).isNotNull();
      assertThat(resource.toString()).contains("chooser-1.0.jar");
    }
  }
}
