package dev.bowline.proxy.route;

/**
 * The header operations {@link HeaderMutations} needs, implemented by the data path over the
 * request or response headers it is about to send. Names are always lower case.
 */
public interface MutableHeaders {

  /** The first value of the header, or {@code null} if it is absent. */
  String get(String lowercaseName);

  /** Replaces every value of the header with {@code value} (adds it if absent). */
  void set(String lowercaseName, String value);

  /** Adds one more value for the header, keeping the ones already there. */
  void add(String lowercaseName, String value);

  /** Removes every value of the header. */
  void remove(String lowercaseName);
}
