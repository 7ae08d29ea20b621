package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.pilot.config.ConfigKey;
import dev.bowline.kernel.pilot.config.ConfigKind;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Bookinfo under {@code bowline demo} for the traffic-management task tests, one mesh per test
 * class ({@code @RegisterExtension static final RunningBookinfo bookinfo = new RunningBookinfo();}):
 * the running demo, a browser-like client through the ingress gateway, and the proxies'
 * Prometheus counters.
 */
final class RunningBookinfo implements BeforeAllCallback, AfterAllCallback {

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private Path dir;
  private PluginHost plugins;
  private Demo demo;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("bookinfo-test");
    plugins = PluginHost.start(PluginHostConfig.of(CaPluginJar.installInto(dir.resolve("plugins"))), new MetricRegistry());
    int gatewayPort;
    try (ServerSocket s = new ServerSocket(0)) {
      gatewayPort = s.getLocalPort();
    }
    demo = Demo.start(new DemoOptions(gatewayPort, 0, 0, dir.resolve("data")), plugins);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (demo != null) {
      demo.close();
    }
    if (plugins != null) {
      plugins.close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  Demo demo() {
    return demo;
  }

  /** Applies {@code samples/bookinfo/networking/<file>} as {@code bowlinectl apply -f} does. */
  void apply(String file) {
    demo.apply(file, BookinfoSamples.read("networking/" + file));
  }

  /** Deletes a resource as {@code bowlinectl delete} does. */
  void delete(ConfigKind kind, String name) {
    assertThat(demo.controlPlane().store().delete(new ConfigKey(kind, "default", name)))
        .as("%s %s was there to delete", kind, name).isPresent();
  }

  /** The product page, as {@code user} when given (the cookie the page's sign-in sets). */
  BookinfoPage page(Optional<String> user) {
    HttpRequest.Builder request = HttpRequest.newBuilder(demo.productPageUrl()).timeout(Duration.ofSeconds(30));
    user.ifPresent(u -> request.header("Cookie", "user=" + u));
    long start = System.nanoTime();
    HttpResponse<String> r = send(request.build());
    return new BookinfoPage(r.statusCode(), r.body(), Duration.ofNanos(System.nanoTime() - start));
  }

  BookinfoPage page() {
    return page(Optional.empty());
  }

  BookinfoPage pageAs(String user) {
    return page(Optional.of(user));
  }

  /** {@code path} through the gateway. */
  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(demo.gatewayUrl().resolve(path)).timeout(Duration.ofSeconds(30)).build());
  }

  /** Waits until {@code n} pages in a row, as {@code user}, satisfy {@code expected}: the push has landed. */
  void awaitPages(Optional<String> user, int n, Predicate<BookinfoPage> expected) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      for (int i = 0; i < n; i++) {
        if (!expected.test(page(user))) {
          return false;
        }
      }
      return true;
    });
  }

  /** The sum of the Prometheus samples of {@code metric} whose labels contain {@code labelPart}. */
  double stat(URI admin, String metric, String labelPart) {
    String text = send(HttpRequest.newBuilder(admin.resolve("/stats/prometheus")).build()).body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(metric + "{") && line.substring(0, line.lastIndexOf(' ')).contains(labelPart)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } else if (line.startsWith(metric + " ") && labelPart.isEmpty()) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** The admin server of the workload named {@code name}. */
  URI admin(String name) {
    return demo.workload(name).orElseThrow().adminUrl();
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

}
