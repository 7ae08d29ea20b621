package dev.bowline.proxy.identity;

import com.google.protobuf.DynamicMessage;
import dev.bowline.proxy.tls.CertifiedKey;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gets certificates from Citadel's {@code CreateCertificate} ({@link CitadelProtocol}). The first
 * request proves itself with the join token, renewals with the certificate held: the channel
 * credentials' key manager presents it (mutual TLS; see {@link ControlPlaneTls}), and Citadel's
 * own certificate is verified there too. With plaintext credentials (local development only) a
 * token crosses the wire in clear.
 *
 * <p><b>Threading.</b> Thread-safe; each request opens its own channel and closes it when
 * answered (one request per renewal, twice a day).
 */
public final class CitadelCertificateSource implements CertificateSource {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final long DEADLINE_SECONDS = 10;

  private final String target;
  private final ChannelCredentials credentials;
  private final Optional<String> joinToken;
  private final Duration validity;
  private final Map<String, String> metadata;

  /**
   * @param target Citadel's {@code host:port}
   * @param credentials how to reach it: {@link ControlPlaneTls#channelCredentials}, or plaintext
   * @param joinToken the token for the first request
   * @param validity the lifetime asked for (Citadel may shorten it); zero: Citadel's default
   */
  public CitadelCertificateSource(String target, ChannelCredentials credentials,
      Optional<String> joinToken, Duration validity) {
    this(target, credentials, joinToken, validity, Optional.empty());
  }

  /**
   * As {@link #CitadelCertificateSource(String, ChannelCredentials, Optional, Duration)}, telling
   * Citadel the xDS node id of the caller ({@link CitadelProtocol#NODE_ID}), which a root rotation
   * uses to see which proxies hold a certificate under the new root.
   */
  public CitadelCertificateSource(String target, ChannelCredentials credentials,
      Optional<String> joinToken, Duration validity, Optional<String> nodeId) {
    this.target = Objects.requireNonNull(target, "target");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.joinToken = Objects.requireNonNull(joinToken, "joinToken");
    this.validity = Objects.requireNonNull(validity, "validity");
    this.metadata = nodeId.map(id -> Map.of(CitadelProtocol.NODE_ID, id)).orElse(Map.of());
  }

  @Override
  public CompletableFuture<List<X509Certificate>> request(String csrPem, Optional<CertifiedKey> current) {
    CompletableFuture<List<X509Certificate>> result = new CompletableFuture<>();
    ManagedChannel channel = Grpc.newChannelBuilder(target, credentials).build();
    Metadata headers = new Metadata();
    if (current.isEmpty()) {
      if (joinToken.isEmpty()) {
        channel.shutdownNow();
        result.completeExceptionally(new IllegalStateException("no join token and no certificate to renew"));
        return result;
      }
      headers.put(AUTHORIZATION, "Bearer " + joinToken.get());
    }
    ClientCalls.asyncUnaryCall(
        io.grpc.ClientInterceptors.intercept(channel, io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
            .newCall(CitadelProtocol.CREATE_CERTIFICATE,
                CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)),
        CitadelProtocol.request(csrPem, validity.toSeconds(), metadata),
        new StreamObserver<>() {
          @Override
          public void onNext(DynamicMessage response) {
            try {
              result.complete(parse(CitadelProtocol.certChain(response)));
            } catch (CertificateException e) {
              result.completeExceptionally(e);
            }
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
            channel.shutdownNow();
          }

          @Override
          public void onCompleted() {
            channel.shutdown();
          }
        });
    return result;
  }

  private static List<X509Certificate> parse(List<String> pems) throws CertificateException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = new ArrayList<>();
    for (String pem : pems) {
      chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
    }
    if (chain.isEmpty()) {
      throw new CertificateException("Citadel answered no certificate");
    }
    return chain;
  }
}
