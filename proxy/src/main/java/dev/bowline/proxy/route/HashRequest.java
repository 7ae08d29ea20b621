package dev.bowline.proxy.route;

import java.util.List;

/**
 * A request as a route's {@link HashPolicy} reads it, and the hash key the policy computes for it.
 * The data path extends it over its own request representation; {@link HashPolicy#apply} reads the
 * inputs through the abstract methods and leaves the key here ({@link #hasKey()}, {@link #key()}).
 *
 * <p><b>Threading.</b> One instance serves one request, on that request's event loop.
 */
public abstract class HashRequest {

  private boolean hasKey;
  private long key;

  /**
   * The values of the header named {@code lowercaseName}, in the order received; empty when the
   * request has none. The pseudo-headers {@code :authority}, {@code :path}, {@code :method} and
   * {@code :scheme} are answered too ({@code host} is {@code :authority}).
   */
  protected abstract List<String> headerValues(String lowercaseName);

  /** The path with its query string, as routing saw it. */
  protected abstract String pathAndQuery();

  /**
   * The IP address of the downstream peer as text (such as {@code 10.0.0.7}), or {@code null} when
   * the connection has no IP peer.
   */
  protected abstract String sourceAddress();

  /**
   * What a generated cookie's value is derived from: the downstream connection's peer and local
   * addresses with their ports, concatenated (Envoy's choice, so that the streams of one connection
   * get the same cookie).
   */
  protected abstract String connectionAddresses();

  /**
   * A cookie policy generated a cookie for this request: the proxy must add this {@code
   * Set-Cookie} value to the response it forwards.
   */
  protected abstract void addSetCookie(String setCookieValue);

  /** Whether a hash policy produced a key for this request. */
  public final boolean hasKey() {
    return hasKey;
  }

  /** The key; meaningful only when {@link #hasKey()}. */
  public final long key() {
    return key;
  }

  /**
   * Folds one policy's hash into the key as Envoy does: the key so far rotated left by one bit,
   * xor the new hash (so two equal hashes do not cancel out).
   */
  final void add(long hash) {
    key = hasKey ? Long.rotateLeft(key, 1) ^ hash : hash;
    hasKey = true;
  }
}
