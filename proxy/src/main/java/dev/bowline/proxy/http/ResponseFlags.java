package dev.bowline.proxy.http;

/** Envoy's response flags, as the access log and the counters name them. */
final class ResponseFlags {

  static final String NONE = "-";
  static final String NO_HEALTHY_UPSTREAM = "UH";
  static final String UPSTREAM_CONNECTION_FAILURE = "UF";
  static final String UPSTREAM_OVERFLOW = "UO";
  static final String NO_ROUTE = "NR";
  static final String NO_CLUSTER = "NC";
  static final String UPSTREAM_REQUEST_TIMEOUT = "UT";
  static final String UPSTREAM_CONNECTION_TERMINATION = "UC";
  static final String DOWNSTREAM_CONNECTION_TERMINATION = "DC";

  private ResponseFlags() {}
}
