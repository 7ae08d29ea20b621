package dev.bowline.proxy.route;

/** A {@link FormatContext} for tests. */
record TestContext(RequestView request, String downstreamRemoteAddress, String downstreamRemoteAddressWithoutPort)
    implements FormatContext {

  static TestContext of(RequestView request) {
    return new TestContext(request, "10.1.2.3:51234", "10.1.2.3");
  }
}
