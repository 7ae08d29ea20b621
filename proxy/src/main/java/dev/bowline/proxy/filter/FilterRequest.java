package dev.bowline.proxy.filter;

import dev.bowline.proxy.route.FormatContext;
import dev.bowline.proxy.route.RequestView;

/**
 * What the built-in filters read from a request, provided by the data path for one request.
 *
 * <p>Confined to the request's event loop.
 */
public interface FilterRequest {

  /** The request as routing sees it (method, authority, path, headers). */
  RequestView view();

  /** The first value of a request header, or null when absent. */
  String firstHeader(String lowercaseName);

  /**
   * The client's address without port, as Envoy trusts it: the connection's peer with {@code
   * use_remote_address}, otherwise the {@code x-forwarded-for} entry {@code xff_num_trusted_hops}
   * from the right when there is one (see {@link ClientAddress}).
   */
  String clientAddress();

  /** The values header formats may use, for headers added to a reply. */
  FormatContext format();

  /** Whether it is a gRPC request ({@code content-type: application/grpc}, {@code +...}, {@code ;...}). */
  boolean isGrpc();
}
