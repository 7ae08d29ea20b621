package dev.bowline.proxy.route;

/**
 * Where a header name is read from on a {@link RequestView}: the pseudo-headers {@code :method},
 * {@code :authority}, {@code :path} and {@code :scheme} come from their accessors ({@code host} is
 * {@code :authority}, so that HTTP/1.1 and HTTP/2 requests match alike), any other name from {@link
 * RequestView#header}.
 */
enum RequestField {
  METHOD {
    @Override
    String read(RequestView request, String lowercaseName) {
      return request.method();
    }
  },
  AUTHORITY {
    @Override
    String read(RequestView request, String lowercaseName) {
      return request.authority();
    }
  },
  PATH {
    @Override
    String read(RequestView request, String lowercaseName) {
      return request.path();
    }
  },
  SCHEME {
    @Override
    String read(RequestView request, String lowercaseName) {
      return request.scheme();
    }
  },
  HEADER {
    @Override
    String read(RequestView request, String lowercaseName) {
      return request.header(lowercaseName);
    }
  };

  /** The value of the header {@code lowercaseName} (this field's kind) or {@code null}. */
  abstract String read(RequestView request, String lowercaseName);

  static RequestField of(String lowercaseName) {
    switch (lowercaseName) {
      case ":method":
        return METHOD;
      case ":authority":
      case "host":
        return AUTHORITY;
      case ":path":
        return PATH;
      case ":scheme":
        return SCHEME;
      default:
        return HEADER;
    }
  }
}
