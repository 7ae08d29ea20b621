package dev.bowline.kernel.citadel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.identity.CertificateSource;
import dev.bowline.proxy.identity.CitadelCertificateSource;
import dev.bowline.proxy.identity.ControlPlaneIdentity;
import dev.bowline.proxy.identity.ControlPlaneTls;
import dev.bowline.proxy.identity.WorkloadIdentity;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.tls.CertifiedKey;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy's workload identity against a real Citadel over TLS: the first certificate comes with
 * the join token, every renewal proves itself with the certificate held (the token is revoked
 * after the first), each renewal carries a fresh key and the same identity; while Citadel is down
 * the proxy keeps its certificate and retries, and renews once Citadel is back.
 */
class WorkloadIdentityRotationTest {

  @TempDir Path dir;
  private final ExecutorService signing = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private TestCertificateAuthority ca;
  private CitadelService citadel;
  private KeyPair serverKey;
  private X509Certificate serverCert;
  private Server server;
  private WorkloadIdentity identity;

  @AfterEach
  void stop() throws Exception {
    if (identity != null) {
      identity.close();
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    scheduler.shutdownNow();
    signing.shutdownNow();
  }

  private Server serve(int port) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(serverKey.getPrivate(), serverCert))
            .trustManager(ca.trustBundle().toArray(X509Certificate[]::new))
            .clientAuth(ClientAuth.OPTIONAL).build())
        .addService(citadel.definition()).build().start();
  }

  @Test
  void renewsWithFreshKeysOverMutualTlsAndRidesOutAnOutage() throws Exception {
    ca = new TestCertificateAuthority();
    JoinTokenStore tokens = JoinTokenStore.open(dir.resolve("t.json"), Clock.systemUTC());
    citadel = new CitadelService(ca, tokens, "cluster.local", Duration.ofHours(24), Duration.ofDays(90), signing);
    serverKey = TestCertificateAuthority.ecKeyPair();
    serverCert = ca.sign(CsrPem.der(CsrPem.claiming(serverKey, "ignored")),
        ControlPlaneIdentity.in("cluster.local"), Duration.ofHours(1)).get(0);
    server = serve(0);
    int port = server.getPort();
    String token = tokens.create("default", "ratings", Duration.ofMinutes(10));

    WorkloadSecrets secrets = new WorkloadSecrets();
    secrets.installTrustBundle(ca.trustBundle());
    CitadelCertificateSource citadelSource = new CitadelCertificateSource("127.0.0.1:" + port,
        ControlPlaneTls.channelCredentials(secrets, "cluster.local"), Optional.of(token), Duration.ofSeconds(4));
    AtomicInteger failures = new AtomicInteger();
    CertificateSource counting = (csr, current) -> {
      CompletableFuture<List<X509Certificate>> answer = citadelSource.request(csr, current);
      answer.whenComplete((c, e) -> {
        if (e != null) {
          failures.incrementAndGet();
        }
      });
      return answer;
    };
    List<CertifiedKey> installed = new CopyOnWriteArrayList<>();
    identity = WorkloadIdentity.start(counting, scheduler, Clock.systemUTC(), k -> {
      secrets.installCertificate(k); // renewals present it through the channel's key manager
      installed.add(k);
    });

    CertifiedKey first = identity.first().get(20, TimeUnit.SECONDS);
    tokens.revoke(token.split("\\.")[1]); // renewals must not need it
    await().atMost(Duration.ofSeconds(30)).until(() -> installed.size() >= 3);

    assertThat(installed).extracting(k -> k.leaf().getPublicKey()).doesNotHaveDuplicates();
    for (CertifiedKey k : installed) {
      assertThat(k.leaf().getSubjectAlternativeNames()).singleElement()
          .satisfies(san -> assertThat(san.get(1)).isEqualTo("spiffe://cluster.local/ns/default/sa/ratings"));
      k.leaf().verify(ca.trustBundle().get(0).getPublicKey());
      assertThat(k.chain()).as("the root is not part of the chain served").hasSize(1);
    }
    assertThat(first.privateKey()).isNotEqualTo(installed.get(installed.size() - 1).privateKey());

    // Citadel goes away: the proxy keeps what it has and keeps trying.
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    int before = failures.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> failures.get() >= before + 1);
    CertifiedKey held = identity.current().orElseThrow();
    int installedBefore = installed.size();

    server = serve(port);
    await().atMost(Duration.ofSeconds(60)).until(() -> installed.size() > installedBefore);
    assertThat(identity.current().orElseThrow()).isNotEqualTo(held);
  }
}
