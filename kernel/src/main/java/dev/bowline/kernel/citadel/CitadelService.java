package dev.bowline.kernel.citadel;

import com.google.protobuf.DynamicMessage;
import dev.bowline.proxy.identity.ChainRoots;
import dev.bowline.proxy.identity.CitadelProtocol;
import dev.bowline.proxy.tls.CertificatePem;
import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.model.SpiffeId;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Citadel's certificate service, {@code istio.v1.auth.IstioCertificateService/CreateCertificate}
 * ({@link CitadelProtocol}). It authenticates the caller before anything else and takes the
 * identity from that authentication alone, never from the CSR:
 *
 * <ul>
 *   <li>a join token ({@code authorization: Bearer bowline-join....}, {@link JoinTokenStore}) proves
 *       {@code spiffe://<trust domain>/ns/<ns>/sa/<sa>} of the token's scope;
 *   <li>otherwise a workload certificate the TLS handshake verified against the trust bundle (a
 *       renewal) proves the SPIFFE identity it carries, if it is of this trust domain;
 *   <li>otherwise the call fails {@code UNAUTHENTICATED}.
 * </ul>
 *
 * <p>The CSR (PEM) only lends its public key: the CA plugin puts the authenticated identity in the
 * certificate whatever the CSR asks for. The lifetime is the requested {@code validity_duration}
 * capped at the maximum, or the default when none is asked (a default of zero leaves it to the
 * CA's own default, its {@code defaultTtl}). The answer is the chain, leaf first,
 * then intermediates, then the root that signs it (as Istio answers). Bad requests fail {@code
 * INVALID_ARGUMENT} with the reason.
 *
 * <p>Threading: calls arrive on gRPC's threads; signing runs on {@code signing} (a CA may block).
 */
public final class CitadelService {

  private static final Logger log = LoggerFactory.getLogger(CitadelService.class);

  private final CertificateAuthority ca;
  private final JoinTokenStore tokens;
  private final String trustDomain;
  private final Duration defaultTtl;
  private final Duration maxTtl;
  private final Executor signing;
  private final IssuanceListener issued;

  public CitadelService(CertificateAuthority ca, JoinTokenStore tokens, String trustDomain,
      Duration defaultTtl, Duration maxTtl, Executor signing) {
    this(ca, tokens, trustDomain, defaultTtl, maxTtl, signing, IssuanceListener.NONE);
  }

  /** As the other constructor, telling {@code issued} of every certificate issued. */
  public CitadelService(CertificateAuthority ca, JoinTokenStore tokens, String trustDomain,
      Duration defaultTtl, Duration maxTtl, Executor signing, IssuanceListener issued) {
    this.issued = Objects.requireNonNull(issued, "issued");
    this.ca = Objects.requireNonNull(ca, "ca");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
    this.defaultTtl = Objects.requireNonNull(defaultTtl, "defaultTtl");
    this.maxTtl = Objects.requireNonNull(maxTtl, "maxTtl");
    this.signing = Objects.requireNonNull(signing, "signing");
    if (defaultTtl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException("defaultTtl " + defaultTtl + " exceeds maxTtl " + maxTtl);
    }
  }

  /** The service to add to a gRPC server, with the interceptor that reads callers' credentials. */
  public ServerServiceDefinition definition() {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(CitadelProtocol.SERVICE)
            .addMethod(CitadelProtocol.CREATE_CERTIFICATE, ServerCalls.asyncUnaryCall(this::createCertificate))
            .build();
    return ServerInterceptors.intercept(service, CallerCredentials.interceptor());
  }

  private void createCertificate(DynamicMessage request, StreamObserver<DynamicMessage> response) {
    SpiffeId identity;
    try {
      identity = authenticate(CallerCredentials.current());
    } catch (StatusFailure f) {
      response.onError(f.status.asRuntimeException());
      return;
    }
    byte[] csr;
    Duration ttl;
    try {
      csr = csrDer(CitadelProtocol.csr(request));
      ttl = ttl(CitadelProtocol.validitySeconds(request));
    } catch (StatusFailure f) {
      response.onError(f.status.asRuntimeException());
      return;
    }
    Optional<String> nodeId = CitadelProtocol.metadata(request, CitadelProtocol.NODE_ID);
    try {
      signing.execute(() -> sign(csr, identity, ttl, nodeId, response));
    } catch (RejectedExecutionException e) {
      response.onError(Status.UNAVAILABLE.withDescription("Citadel is shutting down").asRuntimeException());
    }
  }

  private void sign(byte[] csr, SpiffeId identity, Duration ttl, Optional<String> nodeId,
      StreamObserver<DynamicMessage> response) {
    try {
      List<X509Certificate> chain = new ArrayList<>(ca.sign(csr, identity, ttl));
      IssuedSvid.check(chain, identity);
      rootOf(chain.get(chain.size() - 1)).ifPresent(chain::add);
      List<String> pem = new ArrayList<>();
      for (X509Certificate c : chain) {
        pem.add(CertificatePem.of(c));
      }
      issued.issued(identity, nodeId, List.copyOf(chain));
      log.info("Citadel: issued a certificate for {} valid until {}", identity, chain.get(0).getNotAfter().toInstant());
      response.onNext(CitadelProtocol.response(pem));
      response.onCompleted();
    } catch (CertificateAuthorityException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription("the CA refused the CSR: " + e.getMessage())
          .asRuntimeException());
    } catch (CertificateEncodingException | RuntimeException e) {
      log.warn("Citadel: signing for {} failed", identity, e);
      response.onError(Status.INTERNAL.withDescription("signing failed: " + e).asRuntimeException());
    } catch (CertificateException e) {
      log.warn("Citadel: {}", e.getMessage());
      response.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  /** The root of the bundle that signed {@code top}, unless {@code top} is one. */
  private Optional<X509Certificate> rootOf(X509Certificate top) {
    for (X509Certificate root : ca.trustBundle()) {
      if (root.equals(top)) {
        return Optional.empty();
      }
      if (ChainRoots.issuedUnder(List.of(top), root)) {
        return Optional.of(root);
      }
    }
    return Optional.empty();
  }

  private SpiffeId authenticate(CallerCredentials credentials) throws StatusFailure {
    if (credentials.bearerToken().isPresent()) {
      JoinTokenStore.Check check = tokens.check(credentials.bearerToken().get());
      if (check instanceof JoinTokenStore.Accepted accepted) {
        return SpiffeId.forServiceAccount(trustDomain, accepted.token().namespace(), accepted.token().serviceAccount());
      }
      throw new StatusFailure(Status.UNAUTHENTICATED.withDescription(((JoinTokenStore.Refused) check).reason()));
    }
    if (credentials.peerCertificate().isPresent()) {
      SpiffeId id = spiffeId(credentials.peerCertificate().get());
      if (!id.trustDomain().equals(trustDomain)) {
        throw new StatusFailure(Status.PERMISSION_DENIED.withDescription(
            "the client certificate's identity " + id + " is not of trust domain " + trustDomain));
      }
      return id;
    }
    throw new StatusFailure(Status.UNAUTHENTICATED.withDescription(
        "no credentials: present a join token (authorization: Bearer ...) or a workload certificate"));
  }

  private static SpiffeId spiffeId(X509Certificate cert) throws StatusFailure {
    List<String> uris = new ArrayList<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          if (Integer.valueOf(6).equals(san.get(0))) {
            uris.add((String) san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new StatusFailure(Status.UNAUTHENTICATED.withDescription("unreadable client certificate"));
    }
    if (uris.size() != 1) {
      throw new StatusFailure(Status.UNAUTHENTICATED.withDescription(
          "a workload certificate has exactly one URI SAN; the client's has " + uris.size()));
    }
    try {
      return SpiffeId.parse(uris.get(0));
    } catch (IllegalArgumentException e) {
      throw new StatusFailure(Status.UNAUTHENTICATED.withDescription(e.getMessage()));
    }
  }

  private Duration ttl(long seconds) throws StatusFailure {
    if (seconds < 0) {
      throw new StatusFailure(Status.INVALID_ARGUMENT.withDescription(
          "validity_duration: must not be negative, got " + seconds));
    }
    if (seconds == 0) {
      return defaultTtl;
    }
    Duration asked = Duration.ofSeconds(seconds);
    return asked.compareTo(maxTtl) > 0 ? maxTtl : asked;
  }

  private static byte[] csrDer(String pem) throws StatusFailure {
    String begin = "-----BEGIN CERTIFICATE REQUEST-----";
    String end = "-----END CERTIFICATE REQUEST-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new StatusFailure(Status.INVALID_ARGUMENT.withDescription(
          "csr: not a PEM certificate request (" + begin + ")"));
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new StatusFailure(Status.INVALID_ARGUMENT.withDescription("csr: bad base64: " + e.getMessage()));
    }
  }

  /** A call that ends with {@code status}. */
  private static final class StatusFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Status status;

    StatusFailure(Status status) {
      super(status.getDescription(), null, false, false);
      this.status = status;
    }
  }
}
