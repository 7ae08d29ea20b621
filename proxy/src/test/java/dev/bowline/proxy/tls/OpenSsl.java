package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code openssl} command-line tool (Debian package {@code openssl}) with a timeout, stdin
 * from {@code /dev/null} and output captured through a file (no pipe to fill).
 */
final class OpenSsl {

  /** What a run produced. */
  record Result(int exitCode, String output) {}

  private OpenSsl() {}

  static Result run(Path workDir, Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    try {
      Path output = Files.createTempFile(workDir, "openssl-", ".out");
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        fail("timed out after %s: %s%n%s", timeout, command, Files.readString(output));
      }
      String text = Files.readString(output, StandardCharsets.ISO_8859_1);
      Files.delete(output);
      return new Result(process.exitValue(), text);
    } catch (IOException e) {
      throw new AssertionError(
          "cannot run openssl; install the command-line tool (Debian: apt-get install openssl)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs a command that must succeed (certificate generation). */
  static String ok(Path workDir, String... args) {
    Result result = run(workDir, Duration.ofSeconds(20), args);
    if (result.exitCode() != 0) {
      fail(
          "openssl %s failed (%d):%n%s",
          String.join(" ", args), result.exitCode(), result.output());
    }
    return result.output();
  }
}
