package dev.bowline.proxy.http2;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code curl} command-line tool (Debian package {@code curl}) and reads what it got. */
final class Curl {

  /**
   * What one run produced.
   *
   * @param httpVersion curl's {@code %{http_version}}: {@code 1.1} or {@code 2}
   * @param status the response status, 0 when there was none
   * @param headers the response head (and trailers) as curl dumped them
   * @param body the response body
   */
  record Result(int exitCode, String httpVersion, int status, String headers, byte[] body, String stderr) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private Curl() {}

  /** Runs {@code curl -sS --max-time 20 ARGS URL} in {@code dir}. */
  static Result run(Path dir, String url, String... args) throws IOException, InterruptedException {
    Path body = Files.createTempFile(dir, "curl-body-", ".bin");
    Path head = Files.createTempFile(dir, "curl-head-", ".txt");
    Path err = Files.createTempFile(dir, "curl-err-", ".txt");
    Path out = Files.createTempFile(dir, "curl-out-", ".txt");
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
    command.addAll(List.of(args));
    command.addAll(List.of("-o", body.toString(), "-D", head.toString(), "-w", "%{http_version} %{http_code}", url));
    Process process =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("curl timed out: " + command);
    }
    String[] written = Files.readString(out).trim().split(" ");
    return new Result(
        process.exitValue(),
        written[0],
        written.length > 1 ? Integer.parseInt(written[1]) : 0,
        Files.readString(head, StandardCharsets.ISO_8859_1),
        Files.readAllBytes(body),
        Files.readString(err));
  }
}
