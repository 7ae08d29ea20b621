package dev.bowline.proxy.route;

/**
 * The values header formats may refer to, provided by the data path for one request.
 *
 * <p>Header values in the route configuration may use these Envoy format variables:
 *
 * <ul>
 *   <li>{@code %REQ(name)%}, {@code %REQ(name?alternative)%} and {@code %REQ(name):max_length%}:
 *       a request header (pseudo-headers {@code :authority}, {@code :method}, {@code :path}, {@code
 *       :scheme} included), empty when absent;
 *   <li>{@code %DOWNSTREAM_REMOTE_ADDRESS%}: the client address with its port;
 *   <li>{@code %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%}: the client address alone;
 *   <li>{@code %%}: a literal {@code %}.
 * </ul>
 *
 * Any other {@code %...%} is kept literally (Envoy would reject it): this list grows as the data
 * path needs more.
 */
public interface FormatContext {

  /**
   * The request the headers belong to. When request headers are being mutated, it should read the
   * headers being mutated, so that a later configuration level sees an earlier level's changes, as
   * in Envoy.
   */
  RequestView request();

  /** The downstream (client) address with its port, such as {@code 10.0.0.7:51234}. */
  String downstreamRemoteAddress();

  /** The downstream (client) address without its port, such as {@code 10.0.0.7}. */
  String downstreamRemoteAddressWithoutPort();
}
