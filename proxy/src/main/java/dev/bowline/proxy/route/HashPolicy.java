package dev.bowline.proxy.route;

import dev.bowline.proxy.hash.XxHash64;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A route's {@code hash_policy}: how the key for a hashing load balancer (ring hash, Maglev) is
 * computed from a request, as Envoy computes it. Each policy in order may produce a 64-bit hash
 * ({@link XxHash64} of what it reads); the hashes are folded into one key (the key so far rotated
 * left by one bit, xor the next hash), and after a {@code terminal} policy the rest is skipped once
 * a key exists.
 *
 * <ul>
 *   <li>{@code header}: the header's values (each rewritten by {@code regex_rewrite} if set), sorted
 *       and hashed together, so their order does not matter; nothing when the header is absent.
 *   <li>{@code cookie}: the first cookie of that name (surrounding double quotes removed). When it
 *       is absent (or empty) and a {@code ttl} is set, a value is generated (the hex hash of the
 *       connection's addresses), hashed, and set on the response as {@code name="value"} with
 *       {@code Max-Age} (unless the ttl is zero: a session cookie), {@code Path}, the configured
 *       attributes and {@code HttpOnly}; without a ttl nothing.
 *   <li>{@code connection_properties.source_ip}: the downstream peer's IP address.
 *   <li>{@code query_parameter}: the raw (not decoded) value of the first parameter of that name;
 *       {@code ?a} counts as an empty value; nothing when the parameter is absent.
 * </ul>
 *
 * <p>Immutable and thread-safe. {@link #apply} allocates nothing for one header, a cookie, a query
 * parameter or the source address beyond what the request gives it; several values of one header
 * or a rewrite build the text they hash.
 */
public final class HashPolicy {

  /** No policy: requests carry no hash key. */
  public static final HashPolicy NONE = new HashPolicy(List.of(), new boolean[0]);

  private final Method[] methods;
  private final boolean[] terminal;

  HashPolicy(List<Method> methods, boolean[] terminal) {
    if (methods.size() != terminal.length) {
      throw new IllegalArgumentException("one terminal flag per method");
    }
    this.methods = methods.toArray(new Method[0]);
    this.terminal = terminal.clone();
  }

  /** Whether there is no policy at all. */
  public boolean isEmpty() {
    return methods.length == 0;
  }

  /**
   * Computes {@code request}'s key into it (see {@link HashRequest#hasKey()}); a cookie policy may
   * ask it to set a cookie. Call once per request.
   *
   * @return whether a key was produced
   */
  public boolean apply(HashRequest request) {
    for (int i = 0; i < methods.length; i++) {
      methods[i].hash(request);
      if (terminal[i] && request.hasKey()) {
        break;
      }
    }
    return request.hasKey();
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("hash[");
    for (int i = 0; i < methods.length; i++) {
      out.append(i == 0 ? "" : ", ").append(methods[i]).append(terminal[i] ? " (terminal)" : "");
    }
    return out.append(']').toString();
  }

  /** One {@code hash_policy} entry: adds its hash to the request's key when it produces one. */
  sealed interface Method permits HeaderHash, CookieHash, SourceIpHash, QueryParameterHash {
    void hash(HashRequest request);
  }

  /** {@code header}: the header's values, rewritten, sorted and hashed as one. */
  static final class HeaderHash implements Method {
    private final String name;
    private final RegexSubstitution rewrite;

    /** @param rewrite {@code regex_rewrite}, or {@code null} */
    HeaderHash(String lowercaseName, RegexSubstitution rewrite) {
      this.name = lowercaseName;
      this.rewrite = rewrite;
    }

    @Override
    public void hash(HashRequest request) {
      List<String> values = request.headerValues(name);
      if (values.isEmpty()) {
        return;
      }
      if (values.size() == 1) {
        String value = values.get(0);
        request.add(XxHash64.hash(rewrite == null ? value : rewrite.replaceAll(value)));
        return;
      }
      String[] all = values.toArray(new String[0]);
      if (rewrite != null) {
        for (int i = 0; i < all.length; i++) {
          all[i] = rewrite.replaceAll(all[i]);
        }
      }
      Arrays.sort(all);
      request.add(XxHash64.hash(String.join("", all)));
    }

    @Override
    public String toString() {
      return "header " + name + (rewrite == null ? "" : " rewritten " + rewrite);
    }
  }

  /** {@code cookie}: the cookie's value, or a generated one when a ttl is set. */
  static final class CookieHash implements Method {
    private static final int NOT_FOUND = -1;

    private final String name;
    private final Duration ttl;
    private final String setCookiePrefix;
    private final String setCookieSuffix;

    /**
     * @param ttl the generated cookie's lifetime, or {@code null} to never generate one
     * @param path the generated cookie's {@code Path}, empty for none
     * @param attributes further {@code name} or {@code name=value} attributes of a generated cookie
     */
    CookieHash(String name, Duration ttl, String path, List<String> attributes) {
      this.name = name;
      this.ttl = ttl;
      this.setCookiePrefix = name + "=\"";
      StringBuilder suffix = new StringBuilder("\"");
      long maxAge = ttl == null ? 0 : ttl.getSeconds();
      if (maxAge != 0) {
        suffix.append("; Max-Age=").append(maxAge);
      }
      if (!path.isEmpty()) {
        suffix.append("; Path=").append(path);
      }
      for (String attribute : attributes) {
        suffix.append("; ").append(attribute);
      }
      this.setCookieSuffix = suffix.append("; HttpOnly").toString();
    }

    @Override
    public void hash(HashRequest request) {
      for (String header : request.headerValues("cookie")) {
        int found = find(header);
        if (found == NOT_FOUND) {
          continue;
        }
        if (hashValue(request, header, found)) {
          return;
        }
        break; // the first cookie of that name decides, even an empty one
      }
      if (ttl != null) {
        String value = XxHash64.toHex(XxHash64.hash(request.connectionAddresses()));
        request.addSetCookie(setCookiePrefix + value + setCookieSuffix);
        request.add(XxHash64.hash(value));
      }
    }

    /**
     * Where this cookie's value starts in one {@code Cookie} header, or {@link #NOT_FOUND}; its end
     * is the next {@code ;} or the end of the header.
     */
    private int find(String header) {
      int length = header.length();
      int pairStart = 0;
      while (pairStart < length) {
        int pairEnd = header.indexOf(';', pairStart);
        if (pairEnd < 0) {
          pairEnd = length;
        }
        int keyStart = pairStart;
        while (keyStart < pairEnd && header.charAt(keyStart) == ' ') {
          keyStart++;
        }
        int equals = header.indexOf('=', keyStart);
        if (equals >= 0
            && equals < pairEnd
            && equals - keyStart == name.length()
            && header.startsWith(name, keyStart)) {
          return equals + 1;
        }
        pairStart = pairEnd + 1;
      }
      return NOT_FOUND;
    }

    /** Hashes the value that starts at {@code start}; false when it is empty. */
    private static boolean hashValue(HashRequest request, String header, int start) {
      int end = header.indexOf(';', start);
      if (end < 0) {
        end = header.length();
      }
      if (end - start >= 2 && header.charAt(start) == '"' && header.charAt(end - 1) == '"') {
        start++;
        end--;
      }
      if (start == end) {
        return false;
      }
      request.add(XxHash64.hash(header, start, end));
      return true;
    }

    @Override
    public String toString() {
      return "cookie " + name + (ttl == null ? "" : " generated for " + ttl);
    }
  }

  /** {@code connection_properties.source_ip}: the downstream peer's address. */
  static final class SourceIpHash implements Method {
    @Override
    public void hash(HashRequest request) {
      String address = request.sourceAddress();
      if (address != null) {
        request.add(XxHash64.hash(address));
      }
    }

    @Override
    public String toString() {
      return "source ip";
    }
  }

  /** {@code query_parameter}: the first value of the parameter, raw. */
  static final class QueryParameterHash implements Method {
    private final String name;

    QueryParameterHash(String name) {
      this.name = name;
    }

    @Override
    public void hash(HashRequest request) {
      String path = request.pathAndQuery();
      int query = path == null ? -1 : path.indexOf('?');
      if (query < 0) {
        return;
      }
      int length = path.length();
      int start = query + 1;
      while (start < length) {
        int end = path.indexOf('&', start);
        if (end < 0) {
          end = length;
        }
        int equals = path.indexOf('=', start);
        int nameEnd = equals >= 0 && equals < end ? equals : end;
        if (nameEnd - start == name.length() && path.startsWith(name, start)) {
          request.add(nameEnd == end ? XxHash64.hash("") : XxHash64.hash(path, nameEnd + 1, end));
          return;
        }
        start = end + 1;
      }
    }

    @Override
    public String toString() {
      return "query parameter " + name;
    }
  }
}
