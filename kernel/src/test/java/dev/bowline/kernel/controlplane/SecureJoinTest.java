package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bowline.kernel.cli.BowlineCtlMain;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.kernel.proxy.JoinCredentials;
import dev.bowline.kernel.proxy.MeshProxyOptions;
import dev.bowline.kernel.proxy.ProxyRuntime;
import dev.bowline.proxy.identity.CitadelCertificateSource;
import dev.bowline.proxy.identity.ControlPlaneIdentity;
import dev.bowline.proxy.identity.ControlPlaneTls;
import dev.bowline.proxy.identity.WorkloadIdentity;
import dev.bowline.proxy.identity.WorkloadKeyManager;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.tls.CertifiedKey;
import dev.bowline.proxy.tls.X509SvidRules;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The control plane's mutual TLS port end to end, with the real {@code ca-selfsigned} plugin,
 * real sockets and {@code bowlinectl}: a proxy joins with a join token and the trust bundle from
 * {@code ca root}, gets its certificate from Citadel and its configuration over ADS with it; a
 * proxy that claims another service account than its certificate proves is refused; an xDS client
 * without a valid workload certificate gets nothing; plaintext xDS is off unless asked for.
 */
class SecureJoinTest {

  private static final String TRUST_DOMAIN = "cluster.local";

  @TempDir Path dir;
  private SecureControlPlane secure;
  private PluginHost plugins;
  private ControlPlane controlPlane;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() throws Exception {
    secure = SecureControlPlane.start(dir);
    plugins = secure.plugins();
    controlPlane = secure.controlPlane();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    scheduler.shutdownNow();
    secure.close();
  }

  @Test
  void aProxyJoinsWithATokenAndTakesItsConfigurationOverMutualTls() throws Exception {
    assertThat(ctl("ca", "root")).as(err.toString()).isZero();
    List<X509Certificate> roots = certificates(out.toString());
    assertThat(roots).isEqualTo(controlPlane.trustBundle());
    X509Certificate own = controlPlane.ownCertificate().leaf();
    assertThat(X509SvidRules.leafId(own)).isEqualTo(ControlPlaneIdentity.in(TRUST_DOMAIN));
    assertThat(own.getSubjectAlternativeNames()).as("no DNS name: proxies check the SPIFFE ID").hasSize(1);
    own.verify(roots.get(0).getPublicKey());
    assertThatThrownBy(controlPlane::plaintextXdsAddress).as("plaintext xDS is off unless enabled")
        .isInstanceOf(IllegalStateException.class);

    String token = token("ratings");
    int[] ports = freePorts(3);
    // The proxy starts with one root too many; the bundle the control plane sends (SDS ROOTCA) replaces it.
    List<X509Certificate> givenRoots = new ArrayList<>(roots);
    givenRoots.add(otherCaRoot());
    ProxyRuntime proxy = ProxyRuntime.startMesh(new MeshProxyOptions(
        "127.0.0.1:" + controlPlane.secureAddress().getPort(), sidecar("ratings", "ratings", ports),
        new InetSocketAddress("127.0.0.1", ports[0]),
        Optional.of(new JoinCredentials(Optional.of(token), givenRoots, TRUST_DOMAIN))), 1, plugins);
    toClose.add(() -> proxy.drainAndStop(Duration.ZERO));

    await().atMost(Duration.ofSeconds(30)).until(() -> controlPlane.xds().statuses().stream()
        .anyMatch(s -> s.nodeId().startsWith("sidecar~127.0.0.1~ratings-1.default")));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode xds = new ObjectMapper().readTree(admin(ports[0], "/config_dump")).path("xds");
      assertThat(xds.path("connected").asBoolean()).isTrue();
      assertThat(xds.path("cluster").path("acked_version").asText()).isNotEmpty();
      assertThat(xds.path("listener").path("acked_version").asText()).isNotEmpty();
      assertThat(xds.path("secret").path("acked_version").asText()).as("ROOTCA over ADS").isNotEmpty();
    });
    assertThat(proxy.workloadSecrets().orElseThrow().trustBundle()).isEqualTo(controlPlane.trustBundle());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(ctl("proxy-status")).as(err.toString()).isZero();
      assertThat(out.toString()).as("the proxy-status table has an SDS column").contains("SDS")
          .containsPattern("ratings-1\\.default\\s+SIDECAR(\\s+SYNCED){5}");
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> controlPlane.registry().snapshot().workloads().stream()
        .anyMatch(w -> w.name().equals("ratings-1") && w.serviceAccount().equals("ratings")));

    JsonNode certs = new ObjectMapper().readTree(admin(ports[0], "/certs"));
    JsonNode leaf = certs.path("certificates").get(0).path("cert_chain").get(0);
    assertThat(leaf.path("subject_alt_names").get(0).path("uri").asText())
        .isEqualTo("spiffe://cluster.local/ns/default/sa/ratings");
    assertThat(certs.toString()).doesNotContain("PRIVATE KEY");
    CertifiedKey held = proxy.workloadSecrets().orElseThrow().certificate().orElseThrow();
    assertThat(leaf.path("serial_number").asText()).isEqualTo(held.leaf().getSerialNumber().toString(16));

    assertThat(ctl("proxy-config", "secret", "127.0.0.1:" + ports[0])).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("RESOURCE NAME", "default", "Cert Chain", "spiffe://cluster.local/ns/default/sa/ratings",
            held.leaf().getSerialNumber().toString(16), held.leaf().getNotAfter().toInstant().toString(), "ROOTCA");
  }

  @Test
  void aProxyWithATokenForRatingsThatClaimsReviewsIsRefused() throws Exception {
    List<X509Certificate> roots = controlPlane.trustBundle();
    WorkloadSecrets secrets = joined(token("ratings"), roots);
    Node claimsReviews = sidecar("ratings", "reviews", freePorts(3)).toEnvoyNode();

    Probe probe = Probe.open(controlPlane.secureAddress().getPort(),
        ControlPlaneTls.channelCredentials(secrets, TRUST_DOMAIN), claimsReviews);
    Status status = probe.ended.get(20, TimeUnit.SECONDS);

    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription())
        .contains("spiffe://cluster.local/ns/default/sa/reviews", "spiffe://cluster.local/ns/default/sa/ratings");
    assertThat(probe.responses).isEmpty();
    assertThat(controlPlane.xds().connectedClients()).isZero();
    assertThat(controlPlane.registry().snapshot().workloads()).noneMatch(w -> w.serviceAccount().equals("reviews"));

    // The same certificate, claiming what it proves, is served.
    Probe honest = Probe.open(controlPlane.secureAddress().getPort(),
        ControlPlaneTls.channelCredentials(secrets, TRUST_DOMAIN), sidecar("ratings", "ratings", freePorts(3)).toEnvoyNode());
    await().atMost(Duration.ofSeconds(20)).until(() -> !honest.responses.isEmpty());
    honest.close();
  }

  @Test
  void anXdsClientWithoutAValidCertificateGetsNothingFromTheSecurePort() throws Exception {
    Node node = sidecar("ratings", "ratings", freePorts(3)).toEnvoyNode();
    int port = controlPlane.secureAddress().getPort();

    // TLS that trusts the control plane, but no client certificate: refused before any request is read.
    WorkloadSecrets noCertificate = new WorkloadSecrets();
    noCertificate.installTrustBundle(controlPlane.trustBundle());
    Probe anonymous = Probe.open(port, ControlPlaneTls.channelCredentials(noCertificate, TRUST_DOMAIN), node);
    Status status = anonymous.ended.get(20, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).contains("mutual TLS");
    assertThat(anonymous.responses).isEmpty();

    // A certificate of another CA: the handshake fails.
    PluginHost otherHost = PluginHost.start(PluginHostConfig.of(CaPluginJar.installInto(dir.resolve("other/plugins")))
        .withDataDir(dir.resolve("other/data")), new MetricRegistry());
    toClose.add(otherHost);
    var otherCa = CertificateAuthorityLoader.load(otherHost, ControlPlaneOptions.DEFAULT_CA);
    toClose.add(otherCa);
    WorkloadSecrets foreign = new WorkloadSecrets();
    foreign.installTrustBundle(controlPlane.trustBundle());
    WorkloadIdentity foreignIdentity = WorkloadIdentity.start(
        new dev.bowline.kernel.citadel.InProcessCertificateSource(otherCa,
            dev.bowline.spi.model.SpiffeId.forServiceAccount(TRUST_DOMAIN, "default", "ratings"),
            Duration.ofHours(1), Runnable::run),
        scheduler, Clock.systemUTC(), foreign::installCertificate);
    toClose.add(foreignIdentity);
    foreignIdentity.first().get(20, TimeUnit.SECONDS);
    Probe impostor = Probe.open(port, ControlPlaneTls.channelCredentials(foreign, TRUST_DOMAIN), node);
    assertThat(impostor.ended.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(impostor.responses).isEmpty();

    // Plaintext to the TLS port: nothing.
    Probe plaintext = Probe.open(port, InsecureChannelCredentials.create(), node);
    assertThat(plaintext.ended.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(plaintext.responses).isEmpty();

    // A client that does not verify the server still cannot get past the missing certificate.
    Probe trustingAnything = Probe.open(port, TlsChannelCredentials.newBuilder()
        .keyManager(new WorkloadKeyManager(Optional::empty))
        .trustManager(io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE
            .getTrustManagers())
        .build(), node);
    assertThat(trustingAnything.ended.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(trustingAnything.responses).isEmpty();
    assertThat(controlPlane.xds().connectedClients()).isZero();
  }

  /** The root of a second, unrelated CA. */
  private X509Certificate otherCaRoot() {
    PluginHost otherHost = PluginHost.start(PluginHostConfig.of(CaPluginJar.installInto(dir.resolve("other/plugins")))
        .withDataDir(dir.resolve("other/data")), new MetricRegistry());
    toClose.add(otherHost);
    var otherCa = CertificateAuthorityLoader.load(otherHost, ControlPlaneOptions.DEFAULT_CA);
    toClose.add(otherCa);
    return otherCa.trustBundle().get(0);
  }

  /** Gets a workload certificate from Citadel on the secure port with {@code token}. */
  private WorkloadSecrets joined(String token, List<X509Certificate> roots) throws Exception {
    WorkloadSecrets secrets = new WorkloadSecrets();
    secrets.installTrustBundle(roots);
    WorkloadIdentity identity = WorkloadIdentity.start(
        new CitadelCertificateSource("127.0.0.1:" + controlPlane.secureAddress().getPort(),
            ControlPlaneTls.channelCredentials(secrets, TRUST_DOMAIN), Optional.of(token), Duration.ZERO),
        scheduler, Clock.systemUTC(), secrets::installCertificate);
    toClose.add(identity);
    identity.first().get(20, TimeUnit.SECONDS);
    return secrets;
  }

  private String token(String serviceAccount) {
    assertThat(ctl("token", "create", "--service-account", serviceAccount)).as(err.toString()).isZero();
    return out.toString().strip();
  }

  private int ctl(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = new CommandLine(new BowlineCtlMain());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    if (!args[0].equals("proxy-config")) {
      all.add("--server");
      all.add("http://127.0.0.1:" + controlPlane.apiAddress().getPort());
    }
    return cli.execute(all.toArray(String[]::new));
  }

  private static ProxyNode sidecar(String service, String serviceAccount, int[] ports) {
    return new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.SIDECAR, "127.0.0.1", service + "-1", "default", "cluster.local"),
        ProxyNode.Type.SIDECAR, "127.0.0.1", service + "-1", "default", serviceAccount,
        Map.of("app", service), service, OptionalInt.of(9080), ports[1], ports[2]);
  }

  private static String admin(int port, String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static List<X509Certificate> certificates(String pem) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    for (var c : CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  /** A raw ADS stream: one wildcard CDS request with {@code node}; what came back and how it ended. */
  private static final class Probe implements AutoCloseable {
    final ManagedChannel channel;
    final List<DiscoveryResponse> responses = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();

    private Probe(ManagedChannel channel) {
      this.channel = channel;
    }

    static Probe open(int port, ChannelCredentials credentials, Node node) {
      Probe probe = new Probe(Grpc.newChannelBuilder("127.0.0.1:" + port, credentials).build());
      StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(probe.channel)
          .streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse response) {
              probe.responses.add(response);
            }

            @Override
            public void onError(Throwable t) {
              probe.ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
              probe.ended.complete(Status.OK);
            }
          });
      requests.onNext(DiscoveryRequest.newBuilder().setNode(node)
          .setTypeUrl("type.googleapis.com/envoy.config.cluster.v3.Cluster").build());
      return probe;
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }
}
