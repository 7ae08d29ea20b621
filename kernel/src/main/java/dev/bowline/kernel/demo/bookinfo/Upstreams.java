package dev.bowline.kernel.demo.bookinfo;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a Bookinfo service reaches the services it calls. Immutable.
 *
 * <ul>
 *   <li>{@link Sidecar}: through the local sidecar's outbound listener used as HTTP proxy, as an
 *       application run with {@code HTTP_PROXY=http://127.0.0.1:15001} does. Requests go out in
 *       absolute form, {@code GET http://reviews/reviews/0}, and the sidecar routes them by host.
 *   <li>{@link Direct}: straight to a fixed address per service, with no proxy (tests, or running
 *       the services without a mesh).
 * </ul>
 */
public sealed interface Upstreams {

  /** The URL of {@code path} (with its query, if any) on {@code service}. */
  URI uri(String service, String path);

  /** The HTTP proxy to send every call to, if any. */
  Optional<ProxySelector> proxy();

  /** Whether this knows how to reach {@code service}. */
  boolean reaches(String service);

  /** Through the sidecar whose outbound listener is {@code 127.0.0.1:<outboundPort>}, bare hosts. */
  static Upstreams viaSidecar(int outboundPort) {
    return new Sidecar(new InetSocketAddress("127.0.0.1", outboundPort), OptionalInt.empty());
  }

  /**
   * Through the sidecar at {@code 127.0.0.1:<outboundPort>}, addressing each service as
   * {@code <name>:<servicePort>} as the original does ({@code http://reviews:9080/...}).
   */
  static Upstreams viaSidecar(int outboundPort, int servicePort) {
    return new Sidecar(
        new InetSocketAddress("127.0.0.1", outboundPort), OptionalInt.of(servicePort));
  }

  /** Straight to the given address of each service, no proxy. */
  static Upstreams direct(Map<String, InetSocketAddress> addresses) {
    return new Direct(addresses);
  }

  /**
   * Calls go to the sidecar's outbound listener as an HTTP proxy.
   *
   * @param outbound the outbound listener's address
   * @param servicePort the port to name in the host ({@code reviews:9080}); empty for the bare
   *     host ({@code reviews}), which a sidecar routes to the service's main HTTP port
   */
  record Sidecar(InetSocketAddress outbound, OptionalInt servicePort) implements Upstreams {

    public Sidecar {
      Objects.requireNonNull(outbound, "upstreams.outbound");
      Objects.requireNonNull(servicePort, "upstreams.servicePort");
      if (outbound.getPort() == 0) {
        throw new IllegalArgumentException("upstreams.outbound: the sidecar's port is required, got 0");
      }
      servicePort.ifPresent(p -> {
        if (p < 1 || p > 65535) {
          throw new IllegalArgumentException("upstreams.servicePort: must be 1 to 65535, got " + p);
        }
      });
    }

    @Override
    public URI uri(String service, String path) {
      String port = servicePort.isPresent() ? ":" + servicePort.getAsInt() : "";
      return URI.create("http://" + service + port + path);
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return Optional.of(ProxySelector.of(outbound));
    }

    @Override
    public boolean reaches(String service) {
      return true;
    }
  }

  /**
   * Calls go straight to each service's address.
   *
   * @param addresses the address of each service this one calls, by service name
   */
  record Direct(Map<String, InetSocketAddress> addresses) implements Upstreams {

    public Direct {
      addresses = Map.copyOf(Objects.requireNonNull(addresses, "upstreams.addresses"));
    }

    @Override
    public URI uri(String service, String path) {
      InetSocketAddress a = addresses.get(service);
      if (a == null) {
        throw new IllegalArgumentException("upstreams.addresses: no address for '" + service + "'");
      }
      String host = a.getHostString();
      if (host.indexOf(':') >= 0) {
        host = "[" + host + "]";
      }
      return URI.create("http://" + host + ":" + a.getPort() + path);
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return Optional.empty();
    }

    @Override
    public boolean reaches(String service) {
      return addresses.containsKey(service);
    }
  }
}
