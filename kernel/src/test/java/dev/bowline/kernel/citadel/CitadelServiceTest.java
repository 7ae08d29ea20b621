package dev.bowline.kernel.citadel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DynamicMessage;
import dev.bowline.proxy.identity.CitadelProtocol;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Citadel's CreateCertificate over a real gRPC connection, authenticated by join tokens. */
class CitadelServiceTest {

  @TempDir Path dir;
  private final SettableClock clock = new SettableClock();
  private final ExecutorService signing = Executors.newSingleThreadExecutor();
  private JoinTokenStore tokens;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    tokens = JoinTokenStore.open(dir.resolve("join-tokens.json"), clock);
    CitadelService citadel = new CitadelService(new TestCertificateAuthority(), tokens, "cluster.local",
        Duration.ofHours(24), Duration.ofDays(90), signing);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(citadel.definition()).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    signing.shutdownNow();
  }

  private List<X509Certificate> create(String token, String csrPem, long validitySeconds) throws Exception {
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(CallerCredentials.AUTHORIZATION, "Bearer " + token);
    }
    DynamicMessage response = ClientCalls.blockingUnaryCall(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
        CitadelProtocol.CREATE_CERTIFICATE, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        CitadelProtocol.request(csrPem, validitySeconds));
    List<X509Certificate> chain = new ArrayList<>();
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    for (String pem : CitadelProtocol.certChain(response)) {
      chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
    }
    return chain;
  }

  private static List<String> uriSans(X509Certificate c) throws Exception {
    List<String> out = new ArrayList<>();
    for (List<?> san : c.getSubjectAlternativeNames()) {
      if (Integer.valueOf(6).equals(san.get(0))) {
        out.add((String) san.get(1));
      }
    }
    return out;
  }

  @Test
  void theIdentityComesFromTheTokenNeverFromWhatTheCsrClaims() throws Exception {
    String token = tokens.create("default", "ratings", Duration.ofHours(1));
    KeyPair key = TestCertificateAuthority.ecKeyPair();

    List<X509Certificate> chain =
        create(token, CsrPem.claiming(key, "spiffe://cluster.local/ns/default/sa/reviews"), 3600);

    assertThat(chain).hasSize(2);
    X509Certificate leaf = chain.get(0);
    assertThat(uriSans(leaf)).containsExactly("spiffe://cluster.local/ns/default/sa/ratings");
    assertThat(leaf.getPublicKey()).isEqualTo(key.getPublic());
    assertThat(chain.get(1).getSubjectX500Principal()).as("the root last, as Istio answers")
        .isEqualTo(leaf.getIssuerX500Principal());
    leaf.verify(chain.get(1).getPublicKey());
    assertThat(Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()))
        .isLessThanOrEqualTo(Duration.ofHours(1).plusMinutes(1));
  }

  @Test
  void noTokenAnExpiredOneOrARevokedOneGetsNothing() throws Exception {
    String csr = CsrPem.claiming(TestCertificateAuthority.ecKeyPair(), "spiffe://cluster.local/ns/default/sa/x");
    assertThatThrownBy(() -> create(null, csr, 0))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("no credentials");
        });

    String expiring = tokens.create("default", "web", Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(6));
    assertThatThrownBy(() -> create(expiring, csr, 0))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("expired");
        });

    String revoked = tokens.create("default", "web", Duration.ofMinutes(5));
    tokens.revoke(revoked.split("\\.")[1]);
    assertThatThrownBy(() -> create(revoked, csr, 0))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).contains("revoked"));
  }

  @Test
  void aMalformedCsrOrANegativeValidityIsRefusedWithTheReason() throws Exception {
    String token = tokens.create("default", "web", Duration.ofHours(1));
    assertThatThrownBy(() -> create(token, "hello", 0))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("csr: not a PEM certificate request");
        });
    assertThatThrownBy(() -> create(token,
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", 0))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("the CA refused the CSR");
        });
    String csr = CsrPem.claiming(TestCertificateAuthority.ecKeyPair(), "spiffe://cluster.local/ns/default/sa/web");
    assertThatThrownBy(() -> create(token, csr, -5))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).contains("validity_duration: must not be negative"));
  }

  @Test
  void theLifetimeIsTheDefaultWhenNoneIsAskedAndIsCappedAtTheMaximum() throws Exception {
    String token = tokens.create("default", "web", Duration.ofHours(1));
    String csr = CsrPem.claiming(TestCertificateAuthority.ecKeyPair(), "spiffe://cluster.local/ns/default/sa/web");

    X509Certificate byDefault = create(token, csr, 0).get(0);
    X509Certificate capped = create(token, csr, Duration.ofDays(365).toSeconds()).get(0);

    assertThat(lifetime(byDefault)).isBetween(Duration.ofHours(24), Duration.ofHours(24).plusMinutes(1));
    assertThat(lifetime(capped)).isBetween(Duration.ofDays(90), Duration.ofDays(90).plusMinutes(1));
  }

  private static Duration lifetime(X509Certificate c) {
    return Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
  }
}
