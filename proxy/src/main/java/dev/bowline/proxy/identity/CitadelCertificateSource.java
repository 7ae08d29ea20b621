package dev.bowline.proxy.identity;

import com.google.protobuf.DynamicMessage;
import dev.bowline.proxy.tls.CertifiedKey;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
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
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Gets certificates from Citadel's {@code CreateCertificate} ({@link CitadelProtocol}). The first
 * request proves itself with the join token, renewals with the certificate held (mutual TLS).
 * With Citadel's roots the channel is TLS and Citadel's certificate is verified against them;
 * without, it is plaintext (local development only: a token then crosses the wire in clear).
 *
 * <p><b>Threading.</b> Thread-safe; each request opens its own channel and closes it when
 * answered (one request per renewal, twice a day).
 */
public final class CitadelCertificateSource implements CertificateSource {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final long DEADLINE_SECONDS = 10;

  private final String target;
  private final Optional<String> authority;
  private final List<X509Certificate> citadelRoots;
  private final Optional<String> joinToken;
  private final Duration validity;

  /**
   * @param target Citadel's {@code host:port}
   * @param authority the name Citadel's certificate is checked against, when not the target's host
   * @param citadelRoots the roots that verify Citadel; empty: plaintext
   * @param joinToken the token for the first request
   * @param validity the lifetime asked for (Citadel may shorten it); zero: Citadel's default
   */
  public CitadelCertificateSource(String target, Optional<String> authority, List<X509Certificate> citadelRoots,
      Optional<String> joinToken, Duration validity) {
    this.target = Objects.requireNonNull(target, "target");
    this.authority = Objects.requireNonNull(authority, "authority");
    this.citadelRoots = List.copyOf(citadelRoots);
    this.joinToken = Objects.requireNonNull(joinToken, "joinToken");
    this.validity = Objects.requireNonNull(validity, "validity");
  }

  @Override
  public CompletableFuture<List<X509Certificate>> request(String csrPem, Optional<CertifiedKey> current) {
    CompletableFuture<List<X509Certificate>> result = new CompletableFuture<>();
    ManagedChannel channel;
    try {
      channel = channel(current);
    } catch (SSLException e) {
      result.completeExceptionally(e);
      return result;
    }
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
        CitadelProtocol.request(csrPem, validity.toSeconds()),
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

  private ManagedChannel channel(Optional<CertifiedKey> current) throws SSLException {
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(target);
    authority.ifPresent(b::overrideAuthority);
    if (citadelRoots.isEmpty()) {
      return b.usePlaintext().build();
    }
    SslContextBuilder tls = GrpcSslContexts.forClient().trustManager(citadelRoots.toArray(X509Certificate[]::new));
    current.ifPresent(c -> tls.keyManager(c.privateKey(), c.chain().toArray(X509Certificate[]::new)));
    return b.sslContext(tls.build()).build();
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
