package dev.bowline.kernel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bowline cds}: writes the class-data sharing archive (AppCDS) that later starts of
 * {@code bin/bowline} on the same Java and the same {@code lib/} map instead of loading, parsing
 * and verifying several thousand classes again.
 *
 * <p>It trains on the real thing: a child JVM with {@code -XX:ArchiveClassesAtExit} runs {@code
 * bowline proxy} from a small bootstrap on loopback, answers one request through its listener, and
 * is stopped through its admin {@code /quitquitquit}; the archive the JVM writes as it exits is
 * then moved into place whole. The launcher names the archive after a checksum of the JDK's {@code
 * release} file and of the listing of {@code lib/}, the same things the JVM checks before it uses
 * an archive, so a new Java or a new Bowline simply finds no archive and starts as before.
 */
@Command(
    name = "cds",
    mixinStandardHelpOptions = true,
    description = {
      "Write the class-data sharing archive that makes later starts of bin/bowline faster on this Java.",
      "Run it once after installing or upgrading Bowline or Java; bin/bowline uses the archive when it"
          + " matches (BOWLINE_CDS=off turns that off)."
    })
final class CdsCommand implements Callable<Integer> {

  /** The property the launcher sets to the archive's path for this Java and this lib/. */
  static final String ARCHIVE_PROPERTY = "bowline.cds.archive";

  private static final Duration READY_WITHIN = Duration.ofSeconds(60);
  private static final Duration EXIT_WITHIN = Duration.ofSeconds(120);

  @Spec CommandSpec spec;

  @Option(
      names = "--archive",
      paramLabel = "FILE",
      description = "Where to write the archive (default: the path bin/bowline looks for).")
  Path archive;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Path target = archive;
    if (target == null) {
      String named = System.getProperty(ARCHIVE_PROPERTY);
      if (named == null || named.isBlank()) {
        err.println("bowline cds: no archive path: run it through bin/bowline (which names the archive for"
            + " this Java and this lib/), or give --archive FILE");
        return ExitCodes.USAGE;
      }
      target = Path.of(named);
    }
    target = target.toAbsolutePath();
    Path dir = target.getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      err.println("bowline cds: cannot create " + dir + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
    Path work = Files.createTempDirectory(dir, ".cds-training-");
    try {
      return train(target, work, err);
    } finally {
      deleteTree(work);
    }
  }

  private int train(Path target, Path work, PrintWriter err) throws Exception {
    int listenerPort = freePort();
    int adminPort = freePort();
    Path bootstrap = work.resolve("bootstrap.yaml");
    Files.writeString(bootstrap, trainingBootstrap(listenerPort, adminPort));
    Path partial = work.resolve("bowline.jsa");
    Path log = work.resolve("training.log");

    Process child =
        new ProcessBuilder(childCommand(partial, bootstrap))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!awaitReady(child, adminPort)) {
        err.println("bowline cds: the training proxy did not become ready; its output:");
        err.println(Files.readString(log));
        return ExitCodes.FAILED;
      }
      String answer = request(listenerPort, "GET", "/cds-training");
      if (!answer.startsWith("HTTP/1.1 200")) {
        err.println("bowline cds: the training request failed: " + firstLine(answer));
        return ExitCodes.FAILED;
      }
      request(adminPort, "POST", "/quitquitquit");
      if (!child.waitFor(EXIT_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
        err.println("bowline cds: the training proxy did not exit");
        return ExitCodes.FAILED;
      }
    } finally {
      child.destroyForcibly();
    }
    if (child.exitValue() != 0 || !Files.isRegularFile(partial)) {
      err.println("bowline cds: the JVM wrote no archive (exit " + child.exitValue() + "); its output:");
      err.println(Files.readString(log));
      return ExitCodes.FAILED;
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    spec.commandLine().getOut().printf(
        "wrote %s (%d MiB); bin/bowline uses it on this Java with these jars%n",
        target, Files.size(target) >> 20);
    return ExitCodes.OK;
  }

  /** The child: this JVM's own java and class path, with this JVM's options less any archive ones. */
  private static List<String> childCommand(Path archive, Path bootstrap) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!option.startsWith("-XX:SharedArchiveFile") && !option.startsWith("-XX:ArchiveClassesAtExit")) {
        command.add(option);
      }
    }
    command.add("-XX:ArchiveClassesAtExit=" + archive);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BowlineMain.class.getName());
    command.addAll(List.of("proxy", "--bootstrap", bootstrap.toString(), "--concurrency", "1", "--drain-time", "PT0S"));
    return command;
  }

  /** A listener answering every request itself, and the admin server, both on loopback. */
  static String trainingBootstrap(int listenerPort, int adminPort) {
    return """
        admin:
          address:
            socket_address: {address: 127.0.0.1, port_value: %d}
        static_resources:
          listeners:
          - name: cds-training
            address:
              socket_address: {address: 127.0.0.1, port_value: %d}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: cds_training
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
                  route_config:
                    name: cds-training
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: {prefix: "/"}
                        direct_response: {status: 200, body: {inline_string: "trained"}}
        """
        .formatted(adminPort, listenerPort);
  }

  private static boolean awaitReady(Process child, int adminPort) throws InterruptedException {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < deadline && child.isAlive()) {
      try {
        if (request(adminPort, "GET", "/ready").startsWith("HTTP/1.1 200")) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** One HTTP/1.1 request on a new connection; the whole response as text. */
  private static String request(int port, String method, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static String firstLine(String response) {
    int end = response.indexOf('\r');
    return end < 0 ? response : response.substring(0, end);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
