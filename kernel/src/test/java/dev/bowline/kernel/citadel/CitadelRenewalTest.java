package dev.bowline.kernel.citadel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DynamicMessage;
import dev.bowline.proxy.identity.CitadelProtocol;
import dev.bowline.spi.model.SpiffeId;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renewal: over mutual TLS, the workload certificate the handshake verified is the credential,
 * and the renewed certificate carries the identity of that certificate, whatever the CSR claims.
 */
class CitadelRenewalTest {

  @TempDir Path dir;
  private final ExecutorService signing = Executors.newSingleThreadExecutor();
  private TestCertificateAuthority ca;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    ca = new TestCertificateAuthority();
    CitadelService citadel = new CitadelService(ca, JoinTokenStore.open(dir.resolve("t.json"), new SettableClock()),
        "cluster.local", Duration.ofHours(24), Duration.ofDays(90), signing);
    KeyPair serverKey = TestCertificateAuthority.ecKeyPair();
    SslContext tls = GrpcSslContexts.configure(
            SslContextBuilder.forServer(serverKey.getPrivate(), ca.serverCertificate(serverKey, "localhost")))
        .trustManager(ca.trustBundle().toArray(X509Certificate[]::new))
        .clientAuth(ClientAuth.OPTIONAL)
        .build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).sslContext(tls)
        .addService(citadel.definition()).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    signing.shutdownNow();
  }

  private X509Certificate renew(KeyPair clientKey, X509Certificate clientCert, String claimedSan) throws Exception {
    SslContext tls = GrpcSslContexts.forClient()
        .trustManager(ca.trustBundle().toArray(X509Certificate[]::new))
        .keyManager(clientKey.getPrivate(), clientCert)
        .build();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
        .overrideAuthority("localhost").sslContext(tls).build();
    DynamicMessage response = ClientCalls.blockingUnaryCall(channel, CitadelProtocol.CREATE_CERTIFICATE,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        CitadelProtocol.request(CsrPem.claiming(TestCertificateAuthority.ecKeyPair(), claimedSan), 0));
    String leaf = CitadelProtocol.certChain(response).get(0);
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(leaf.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void aValidWorkloadCertificateRenewsItsOwnIdentityOnly() throws Exception {
    KeyPair key = TestCertificateAuthority.ecKeyPair();
    X509Certificate current = ca.sign(
        java.util.Base64.getMimeDecoder().decode(stripPem(CsrPem.claiming(key, "ignored"))),
        SpiffeId.forServiceAccount("cluster.local", "default", "ratings"), Duration.ofHours(1)).get(0);

    X509Certificate renewed = renew(key, current, "spiffe://cluster.local/ns/default/sa/reviews");

    assertThat(renewed.getSubjectAlternativeNames())
        .singleElement().satisfies(san -> assertThat(san.get(1)).isEqualTo("spiffe://cluster.local/ns/default/sa/ratings"));
  }

  @Test
  void aCertificateOfAnotherTrustDomainIsRefused() throws Exception {
    KeyPair key = TestCertificateAuthority.ecKeyPair();
    X509Certificate foreign = ca.sign(
        java.util.Base64.getMimeDecoder().decode(stripPem(CsrPem.claiming(key, "ignored"))),
        SpiffeId.forServiceAccount("evil.example", "default", "ratings"), Duration.ofHours(1)).get(0);

    assertThatThrownBy(() -> renew(key, foreign, "spiffe://cluster.local/ns/default/sa/ratings"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("is not of trust domain cluster.local");
        });
  }

  private static String stripPem(String pem) {
    return pem.replaceAll("-----[A-Z ]+-----", "");
  }
}
