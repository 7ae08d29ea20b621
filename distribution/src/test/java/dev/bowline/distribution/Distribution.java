package dev.bowline.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built tarball, unpacked afresh into its own directory for one test, and the means to run its
 * launchers as a user would: through {@code bin/}, with the JDK running the tests as JAVA_HOME.
 */
final class Distribution {

  static final String VERSION = System.getProperty("bowline.version");

  private final Path home;

  private Distribution(Path home) {
    this.home = home;
  }

  /** Unpacks the tarball with {@code tar} into a new directory under the IT work directory. */
  static Distribution unpack(String name) throws IOException, InterruptedException {
    Path tarball = Path.of(System.getProperty("bowline.tarball"));
    assertThat(tarball).as("the tarball is built in the package phase").exists();
    Path dir = Path.of(System.getProperty("bowline.it.work")).resolve(name);
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dir);
    Result untar = run(dir, List.of("tar", "xzf", tarball.toString()), Map.of());
    assertThat(untar.exitCode()).as("tar: %s", untar.stderr()).isZero();
    return new Distribution(dir.resolve("bowline-" + VERSION));
  }

  Path home() {
    return home;
  }

  Path plugins() {
    return home.resolve("plugins");
  }

  /** Runs {@code bin/<launcher> args...} and waits for it. */
  Result launch(String launcher, String... args) throws IOException, InterruptedException {
    return launch(Map.of(), launcher, args);
  }

  /** Runs {@code bin/<launcher> args...} with {@code environment} added, and waits for it. */
  Result launch(Map<String, String> environment, String launcher, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin").resolve(launcher).toString());
    command.addAll(List.of(args));
    return run(home, command, environment);
  }

  /**
   * Starts {@code bin/<launcher> args...} in the background, its output (both streams) going to
   * {@code <home>/<logName>.log}.
   */
  Process start(String logName, String launcher, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin").resolve(launcher).toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    // Several JVMs share the build machine's two cores: keep each one small and quick to warm.
    pb.environment().put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    pb.redirectErrorStream(true).redirectOutput(
        ProcessBuilder.Redirect.appendTo(home.resolve(logName + ".log").toFile()));
    return pb.start();
  }

  /** The output so far of a process started with {@link #start}. */
  String log(String logName) throws IOException {
    Path file = home.resolve(logName + ".log");
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  private static Result run(Path dir, List<String> command, Map<String, String> environment)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().putAll(environment);
    Path out = Files.createTempFile("bowline-it", ".out");
    Path err = Files.createTempFile("bowline-it", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish within 120 s");
    }
    Result r =
        new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** What a launched command did. */
  record Result(int exitCode, String stdout, String stderr) {}
}
