package dev.bowline.proxy.route;

/**
 * What routing reads from a request. The data path implements it over its own header
 * representation (Netty's {@code HttpHeaders} or {@code Http2Headers}); the route table never
 * keeps a reference to it beyond the call.
 *
 * <p>Implementations should answer without allocating where they can: matching calls these methods
 * once per matcher that needs them.
 */
public interface RequestView {

  /** The method ({@code :method}), such as {@code GET}. */
  String method();

  /**
   * The authority ({@code :authority}, or {@code Host} on HTTP/1.1) as received, possibly with a
   * port, or {@code null} if the request has none.
   */
  String authority();

  /**
   * The scheme of the request ({@code :scheme}; for HTTP/1.1, {@code https} on a TLS connection and
   * {@code http} otherwise).
   */
  String scheme();

  /**
   * The path with its query string, after the connection manager's normalization (dot segments,
   * merged slashes), such as {@code /api/v1/items?id=7}; {@code null} if the request has none
   * (CONNECT), in which case no route matches.
   */
  String path();

  /**
   * The value of the header named {@code lowercaseName}, or {@code null} if absent. A header sent
   * several times is answered as its values joined with {@code ","}, as Envoy does for matching.
   * The pseudo-headers {@code :method}, {@code :authority} (and {@code host}), {@code :path} and
   * {@code :scheme} are read through the methods above, never here; another pseudo-header named in
   * the configuration (such as {@code :protocol}) is asked for here.
   */
  String header(String lowercaseName);
}
