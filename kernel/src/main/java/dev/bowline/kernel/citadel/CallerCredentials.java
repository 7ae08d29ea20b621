package dev.bowline.kernel.citadel;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a caller of Citadel presented: a bearer token ({@code authorization: Bearer <token>}) and
 * the certificate its TLS handshake verified, if any. A server interceptor puts them in the call's
 * {@link Context}; the service reads them with {@link #current()}. Immutable.
 */
record CallerCredentials(Optional<String> bearerToken, Optional<X509Certificate> peerCertificate) {

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<CallerCredentials> KEY = Context.key("bowline-caller-credentials");
  private static final String BEARER = "Bearer ";

  /** The credentials of the call being served. */
  static CallerCredentials current() {
    CallerCredentials c = KEY.get();
    return c != null ? c : new CallerCredentials(Optional.empty(), Optional.empty());
  }

  /** The interceptor that reads them from each call's headers and TLS session. */
  static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String authorization = headers.get(AUTHORIZATION);
        Optional<String> token = authorization != null && authorization.startsWith(BEARER)
            ? Optional.of(authorization.substring(BEARER.length()).strip())
            : Optional.empty();
        CallerCredentials credentials =
            new CallerCredentials(token, peerCertificate(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)));
        return Contexts.interceptCall(Context.current().withValue(KEY, credentials), call, headers, next);
      }
    };
  }

  private static Optional<X509Certificate> peerCertificate(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x
          ? Optional.of(x) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
