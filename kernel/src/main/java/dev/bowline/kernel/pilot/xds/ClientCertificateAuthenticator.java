package dev.bowline.kernel.pilot.xds;

import dev.bowline.proxy.tls.X509SvidRules;
import dev.bowline.spi.model.SpiffeId;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Lets a discovery call through only when the client presented a workload certificate in the TLS
 * handshake (verified against the trust bundle by the port's trust manager): the call then runs
 * with its {@link AuthenticatedPeer}. Any other call ends at once with {@code UNAUTHENTICATED},
 * before a request is read or a resource sent.
 *
 * <p>Stateless and thread-safe.
 */
final class ClientCertificateAuthenticator implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    List<X509Certificate> chain = session == null ? List.of() : peerChain(session);
    X509Certificate leaf = chain.isEmpty() ? null : chain.get(0);
    if (leaf == null) {
      call.close(Status.UNAUTHENTICATED.withDescription(
          "xDS on this port needs mutual TLS: present the workload certificate Citadel issued"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    SpiffeId id;
    try {
      id = X509SvidRules.leafId(leaf);
    } catch (CertificateException e) {
      call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context context = Context.current().withValue(AuthenticatedPeer.KEY, new AuthenticatedPeer(id, chain));
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static List<X509Certificate> peerChain(SSLSession session) {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : session.getPeerCertificates()) {
        if (!(c instanceof X509Certificate x)) {
          return List.of();
        }
        chain.add(x);
      }
      return chain;
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }
}
