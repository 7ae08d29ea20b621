package dev.bowline.kernel.plugin;

import dev.bowline.spi.plugin.NamedFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.pf4j.Plugin;
import org.slf4j.Logger;

/**
 * Builds real plugin archives for tests: compiles Java sources with the JDK's compiler against the
 * spi, PF4J and SLF4J (so the classes exist only inside the archive, never on the test class
 * path), then packs them as a jar (optionally with nested {@code lib/} jars) or as a zip in PF4J's
 * {@code classes/} + {@code lib/} layout.
 */
public final class PluginArchiveBuilder {

  private final Path workDir;
  private final Map<String, String> manifest = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();
  private final List<String> extensionIndex = new ArrayList<>();
  private final Map<String, byte[]> extraEntries = new LinkedHashMap<>();
  private final List<Path> libs = new ArrayList<>();
  private final List<Path> compileClasspath = new ArrayList<>();

  private PluginArchiveBuilder(Path workDir) {
    this.workDir = workDir;
  }

  /** A builder for a plugin with this id, version 1.0.0, requiring nothing special. */
  public static PluginArchiveBuilder plugin(Path workDir, String id) {
    PluginArchiveBuilder b = new PluginArchiveBuilder(workDir);
    b.manifest.put("Plugin-Id", id);
    b.manifest.put("Plugin-Version", "1.0.0");
    b.manifest.put("Plugin-Description", "test plugin " + id);
    return b;
  }

  /** A builder for an archive that is not a plugin at all (no descriptor). */
  public static PluginArchiveBuilder notAPlugin(Path workDir) {
    return new PluginArchiveBuilder(workDir);
  }

  public PluginArchiveBuilder manifest(String key, String value) {
    manifest.put(key, value);
    return this;
  }

  /** Adds a source file; {@code className} is fully qualified. */
  public PluginArchiveBuilder source(String className, String code) {
    sources.put(className, code);
    return this;
  }

  /** Lists a class in META-INF/extensions.idx (as pf4j's annotation processor would). */
  public PluginArchiveBuilder extension(String className) {
    extensionIndex.add(className);
    return this;
  }

  /** Adds a raw entry (for example a copy of a host class). */
  public PluginArchiveBuilder entry(String name, byte[] content) {
    extraEntries.put(name, content);
    return this;
  }

  /** Adds a library jar that the plugin's classes compile and run against. */
  public PluginArchiveBuilder lib(Path jar) {
    libs.add(jar);
    compileClasspath.add(jar);
    return this;
  }

  /** Writes a jar at {@code workDir/fileName}, with libraries nested under {@code lib/}. */
  public Path buildJar(String fileName) throws IOException {
    Path classes = compile();
    Path jar = workDir.resolve(fileName);
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
      addTree(out, classes, "");
      addIndexAndExtras(out, "");
      for (Path lib : libs) {
        put(out, "lib/" + lib.getFileName(), Files.readAllBytes(lib));
      }
    }
    return jar;
  }

  /** Writes a zip in PF4J's layout: {@code plugin.properties}, {@code classes/}, {@code lib/}. */
  public Path buildZip(String fileName) throws IOException {
    Path classes = compile();
    Path zip = workDir.resolve(fileName);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      StringBuilder props = new StringBuilder();
      manifest.forEach(
          (k, v) -> props.append(k.replace("Plugin-", "plugin.").toLowerCase()).append('=').append(v).append('\n'));
      put(out, "plugin.properties", props.toString().getBytes(StandardCharsets.UTF_8));
      addTree(out, classes, "classes/");
      addIndexAndExtras(out, "classes/");
      for (Path lib : libs) {
        put(out, "lib/" + lib.getFileName(), Files.readAllBytes(lib));
      }
    }
    return zip;
  }

  /** Compiles {@code sources} into a plain library jar (no descriptor). */
  public Path buildLibraryJar(String fileName) throws IOException {
    Path classes = compile();
    Path jar = workDir.resolve(fileName);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      addTree(out, classes, "");
    }
    return jar;
  }

  private void addIndexAndExtras(ZipOutputStream out, String prefix) throws IOException {
    if (!extensionIndex.isEmpty()) {
      put(
          out,
          prefix + "META-INF/extensions.idx",
          (String.join("\n", extensionIndex) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    for (Map.Entry<String, byte[]> e : extraEntries.entrySet()) {
      put(out, prefix + e.getKey(), e.getValue());
    }
  }

  private Path compile() throws IOException {
    Path src = Files.createTempDirectory(workDir, "src");
    Path classes = Files.createTempDirectory(workDir, "classes");
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      files.add(file.toString());
    }
    if (files.isEmpty()) {
      return classes;
    }
    List<String> cp = new ArrayList<>();
    cp.add(locationOf(NamedFactory.class));
    cp.add(locationOf(Plugin.class));
    cp.add(locationOf(Logger.class));
    compileClasspath.forEach(p -> cp.add(p.toString()));
    List<String> args = new ArrayList<>(List.of("-proc:none", "-d", classes.toString(), "-cp",
        String.join(java.io.File.pathSeparator, cp)));
    args.addAll(files);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = javac.run(null, null, err, args.toArray(String[]::new));
    if (rc != 0) {
      throw new IllegalStateException("test plugin does not compile:\n" + err);
    }
    return classes;
  }

  private static void addTree(ZipOutputStream out, Path root, String prefix) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        put(out, prefix + root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
      }
    }
  }

  private static void put(ZipOutputStream out, String name, byte[] bytes) throws IOException {
    out.putNextEntry(new ZipEntry(name));
    out.write(bytes);
    out.closeEntry();
  }

  static String locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a class file of the host, to plant a copy of it inside a plugin. */
  static byte[] hostClassBytes(Class<?> type) {
    String resource = type.getName().replace('.', '/') + ".class";
    try (var in = type.getClassLoader().getResourceAsStream(resource)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
