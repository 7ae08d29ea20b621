package dev.bowline.kernel.citadel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.proxy.identity.CitadelCertificateSource;
import dev.bowline.proxy.identity.ControlPlaneIdentity;
import dev.bowline.proxy.identity.ControlPlaneTls;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.spi.model.SpiffeId;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy accepts the control plane only under the control plane's SPIFFE identity, chained to its
 * trust bundle: a server holding another workload's valid certificate of the same CA, the control
 * plane identity of another trust domain, or a certificate of another CA gets no join token sent.
 */
class ControlPlaneSecureNamingTest {

  @TempDir Path dir;
  private final ExecutorService signing = Executors.newSingleThreadExecutor();
  private Server server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    signing.shutdownNow();
  }

  private String serveAs(TestCertificateAuthority ca, SpiffeId identity) throws Exception {
    JoinTokenStore tokens = JoinTokenStore.open(dir.resolve("t.json"), Clock.systemUTC());
    CitadelService citadel = new CitadelService(ca, tokens, "cluster.local", Duration.ofHours(24),
        Duration.ofDays(90), signing);
    KeyPair key = TestCertificateAuthority.ecKeyPair();
    X509Certificate cert = ca.sign(CsrPem.der(CsrPem.claiming(key, "ignored")), identity, Duration.ofHours(1)).get(0);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(key.getPrivate(), cert)).build())
        .addService(citadel.definition()).build().start();
    return tokens.create("default", "ratings", Duration.ofMinutes(5));
  }

  private List<X509Certificate> join(List<X509Certificate> bundle, String token) throws Exception {
    WorkloadSecrets secrets = new WorkloadSecrets();
    secrets.installTrustBundle(bundle);
    return new CitadelCertificateSource("127.0.0.1:" + server.getPort(),
        ControlPlaneTls.channelCredentials(secrets, "cluster.local"), Optional.of(token), Duration.ZERO)
        .request(CsrPem.claiming(TestCertificateAuthority.ecKeyPair(), "ignored"), Optional.empty())
        .get(20, TimeUnit.SECONDS);
  }

  @Test
  void theControlPlaneIdentityOfTheBundleIsAccepted() throws Exception {
    TestCertificateAuthority ca = new TestCertificateAuthority();
    String token = serveAs(ca, ControlPlaneIdentity.in("cluster.local"));

    assertThat(join(ca.trustBundle(), token)).isNotEmpty();
  }

  @Test
  void anotherWorkloadOfTheSameCaIsNotTheControlPlane() throws Exception {
    TestCertificateAuthority ca = new TestCertificateAuthority();
    String token = serveAs(ca, SpiffeId.forServiceAccount("cluster.local", "default", "reviews"));

    assertThatThrownBy(() -> join(ca.trustBundle(), token)).isInstanceOf(ExecutionException.class)
        .hasStackTraceContaining("not spiffe://cluster.local/ns/bowline-system/sa/bowline-control-plane");
  }

  @Test
  void theControlPlaneOfAnotherTrustDomainIsRefused() throws Exception {
    TestCertificateAuthority ca = new TestCertificateAuthority();
    String token = serveAs(ca, ControlPlaneIdentity.in("example.org"));

    assertThatThrownBy(() -> join(ca.trustBundle(), token)).isInstanceOf(ExecutionException.class)
        .hasStackTraceContaining("belongs to trust domain example.org, not to cluster.local");
  }

  @Test
  void aControlPlaneCertificateOfAnotherCaIsRefused() throws Exception {
    TestCertificateAuthority ca = new TestCertificateAuthority();
    String token = serveAs(ca, ControlPlaneIdentity.in("cluster.local"));

    assertThatThrownBy(() -> join(new TestCertificateAuthority().trustBundle(), token))
        .isInstanceOf(ExecutionException.class)
        .hasStackTraceContaining("does not chain to the trust bundle");
  }
}
