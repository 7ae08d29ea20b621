package dev.bowline.kernel.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** Where bowlinectl finds the control plane's API. A picocli mixin. */
final class ServerOptions {

  /** The control plane's API on this machine (Istio's port 15014). */
  static final String DEFAULT_SERVER = "http://127.0.0.1:15014";

  @Option(
      names = {"-s", "--server"},
      paramLabel = "URL",
      description = "The control plane's API (default: $BOWLINE_SERVER, else " + DEFAULT_SERVER + ").")
  String server;

  ApiClient client() {
    String url = server != null ? server : System.getenv().getOrDefault("BOWLINE_SERVER", DEFAULT_SERVER);
    return new ApiClient(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url));
  }
}
