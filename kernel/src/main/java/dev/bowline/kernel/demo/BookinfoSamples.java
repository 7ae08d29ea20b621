package dev.bowline.kernel.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Bookinfo's Istio YAML as shipped in the distribution's {@code samples/bookinfo/} (and on the
 * kernel's class path under the same name): the services, the ingress gateway, the default
 * destination rules and one file per traffic-management task.
 */
public final class BookinfoSamples {

  /** The port the sample Gateway declares (Istio's ingress gateway listens on 8080 too). */
  public static final int SAMPLE_GATEWAY_PORT = 8080;

  private BookinfoSamples() {}

  /**
   * The text of {@code samples/bookinfo/<path>}, e.g. {@code networking/virtual-service-all-v1.yaml}.
   *
   * @throws IllegalArgumentException there is no such sample
   */
  public static String read(String path) {
    String resource = "/samples/bookinfo/" + path;
    try (InputStream in = BookinfoSamples.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no Bookinfo sample " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Bookinfo sample " + path, e);
    }
  }

  /** {@code networking/bookinfo-gateway.yaml}, its server moved to {@code port}. */
  public static String gateway(int port) {
    String sample = read("networking/bookinfo-gateway.yaml");
    String declared = "number: " + SAMPLE_GATEWAY_PORT + "\n";
    if (!sample.contains(declared)) {
      throw new IllegalStateException("the gateway sample no longer declares port " + SAMPLE_GATEWAY_PORT);
    }
    return sample.replace(declared, "number: " + port + "\n");
  }
}
