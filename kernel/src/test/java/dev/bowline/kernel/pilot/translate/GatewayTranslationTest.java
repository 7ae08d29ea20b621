package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.SidecarTranslationTest.clusters;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.proxy.config.CertificateFiles;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.TlsServerConfig;
import dev.bowline.proxy.route.RedirectAction;
import dev.bowline.proxy.route.RouteTable;
import dev.bowline.proxy.tls.ServerTlsContexts;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gateway proxies: listeners per server port, routes of the bound VirtualServices, TLS files. */
class GatewayTranslationTest {

  @TempDir Path dir;

  private final XdsTranslator translator = new XdsTranslator();

  @Test
  void bookinfoGatewayServesHttpAndHttpsWithTheBoundVirtualService() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "bookinfo.example.com");
    ConfigFixtures config =
        new ConfigFixtures().add(Bookinfo.REVIEWS_DR).add(Bookinfo.REVIEWS_VS).add(
            """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: bookinfo-gateway, namespace: default}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 8080, name: http, protocol: HTTP}
                hosts: ["*"]
              - port: {number: 8443, name: https, protocol: HTTPS}
                hosts: [bookinfo.example.com]
                tls:
                  mode: SIMPLE
                  serverCertificate: %s
                  privateKey: %s
              - port: {number: 9000, name: tcp, protocol: TCP}
                hosts: ["*"]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: bookinfo, namespace: default}
            spec:
              hosts: ["*"]
              gateways: [bookinfo-gateway]
              http:
              - match:
                - uri: {exact: /productpage}
                - uri: {prefix: /static}
                - uri: {prefix: /api/v1/products}
                route:
                - destination:
                    host: productpage
                    port: {number: 9080}
            """.formatted(cert.certificate(), cert.privateKey()));
    PushContext context = new PushContext(config.snapshot(), Bookinfo.registry(), MeshSettings.DEFAULTS);
    ProxyResources r =
        translator.translate(Bookinfo.gateway("istio-system", Map.of("istio", "ingressgateway",
            "app", "istio-ingressgateway")), context);
    ProxyAcceptance.Accepted accepted = ProxyAcceptance.check(r);

    assertThat(r.listeners()).extracting(Listener::getName)
        .as("the TCP server is left out").containsExactly("0.0.0.0_8080", "0.0.0.0_8443");
    assertThat(r.routes()).extracting(RouteConfiguration::getName)
        .containsExactly("http.8080", "http.8443");
    assertThat(r.clusters()).as("the outbound clusters of every service")
        .isEqualTo(translator.translate(Bookinfo.sidecar("default", "x", Map.of()), context).clusters());

    ListenerConfig http = accepted.listeners().get("0.0.0.0_8080");
    assertThat(http.address().getPort()).isEqualTo(8080);
    assertThat(http.address().getAddress().isAnyLocalAddress()).isTrue();
    HttpConnectionManagerConfig hcm = (HttpConnectionManagerConfig) http.filterChains().get(0).filter();
    assertThat(hcm.useRemoteAddress()).isTrue();
    RouteTable plain = accepted.routes().get("http.8080");
    assertThat(clusters(plain.route(TestRequest.get("anything.example", "/productpage"))))
        .containsExactly("outbound|9080||productpage.default.svc.cluster.local");
    assertThat(clusters(plain.route(TestRequest.get("1.2.3.4:8080", "/static/app.css"))))
        .containsExactly("outbound|9080||productpage.default.svc.cluster.local");
    assertThat(plain.route(TestRequest.get("anything.example", "/admin"))).isNull();

    ListenerConfig https = accepted.listeners().get("0.0.0.0_8443");
    FilterChainConfig chain = https.filterChains().get(0);
    assertThat(chain.serverNames()).as("a single HTTPS server takes every connection").isEmpty();
    TlsServerConfig tls = chain.tls().orElseThrow();
    assertThat(tls.certificates())
        .containsExactly(new CertificateFiles(cert.certificate(), cert.privateKey()));
    assertThat(tls.alpn()).containsExactly("h2", "http/1.1");
    SslContext ssl = ServerTlsContexts.build(tls, "listener 0.0.0.0_8443");
    assertThat(ssl.isServer()).isTrue();
    RouteTable secure = accepted.routes().get("http.8443");
    VirtualHost vhost = r.routes().get(1).getVirtualHosts(0);
    assertThat(vhost.getDomainsList())
        .containsExactly("bookinfo.example.com", "bookinfo.example.com:8443");
    assertThat(clusters(secure.route(TestRequest.get("bookinfo.example.com:8443", "/productpage")
            .scheme("https"))))
        .containsExactly("outbound|9080||productpage.default.svc.cluster.local");
    assertThat(secure.route(TestRequest.get("other.example.com", "/productpage"))).isNull();
  }

  @Test
  void serverHostsLimitNamespacesRedirectToHttpsAndSelectChainsBySni() throws Exception {
    SelfSignedCertificate shopCert = SelfSignedCertificate.create(dir, "shop.example.com");
    SelfSignedCertificate adminCert = SelfSignedCertificate.create(dir, "admin.example.com");
    ConfigFixtures config = new ConfigFixtures().add(
        """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: edge, namespace: edge-ns}
        spec:
          selector: {app: edge}
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: ["shop/*.example.com"]
            tls: {httpsRedirect: true}
          - port: {number: 443, name: https-shop, protocol: HTTPS}
            hosts: ["shop/shop.example.com"]
            tls:
              mode: MUTUAL
              serverCertificate: %1$s
              privateKey: %2$s
              caCertificates: %1$s
              minProtocolVersion: TLSV1_3
          - port: {number: 443, name: https-admin, protocol: HTTPS}
            hosts: ["./admin.example.com"]
            tls: {mode: SIMPLE, serverCertificate: %3$s, privateKey: %4$s}
          - port: {number: 443, name: https-sds, protocol: HTTPS}
            hosts: ["*"]
            tls: {mode: SIMPLE, credentialName: some-secret}
          - port: {number: 443, name: https-default-mode, protocol: HTTPS}
            hosts: ["./default.example.com"]
            tls: {serverCertificate: %3$s, privateKey: %4$s}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: storefront, namespace: shop}
        spec:
          hosts: [shop.example.com]
          gateways: [edge-ns/edge]
          http:
          - route: [{destination: {host: web}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: admin, namespace: edge-ns}
        spec:
          hosts: [admin.example.com]
          gateways: [edge]
          http:
          - route: [{destination: {host: api.shop.svc.cluster.local}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: sneaky, namespace: elsewhere}
        spec:
          hosts: [shop.example.com, admin.example.com]
          gateways: [edge-ns/edge]
          http:
          - route: [{destination: {host: api.shop.svc.cluster.local}}]
        """.formatted(shopCert.certificate(), shopCert.privateKey(), adminCert.certificate(),
            adminCert.privateKey()));
    PushContext context =
        new PushContext(config.snapshot(), VirtualServiceRoutesTest.registry(), MeshSettings.DEFAULTS);
    ProxyResources r = translator.translate(Bookinfo.gateway("edge-ns", Map.of("app", "edge")), context);
    ProxyAcceptance.Accepted accepted = ProxyAcceptance.check(r);

    RouteTable http = accepted.routes().get("http.80");
    RedirectAction redirect =
        (RedirectAction) http.route(TestRequest.get("shop.example.com", "/cart?x=1")).action();
    assertThat(redirect.location(TestRequest.get("shop.example.com", "/cart?x=1")))
        .isEqualTo("https://shop.example.com/cart?x=1");
    assertThat(http.route(TestRequest.get("new.example.com", "/"))).as("redirected without a VirtualService")
        .isNotNull();

    List<FilterChainConfig> chains = accepted.listeners().get("0.0.0.0_443").filterChains();
    assertThat(chains).extracting(FilterChainConfig::serverNames)
        .as("one chain per HTTPS server, by SNI; SDS and (default) PASSTHROUGH are left out")
        .containsExactly(List.of("shop.example.com"), List.of("admin.example.com"));
    TlsServerConfig mutual = chains.get(0).tls().orElseThrow();
    assertThat(mutual.requireClientCertificate()).isTrue();
    assertThat(mutual.trustedCa()).hasValue(shopCert.certificate());
    assertThat(mutual.minVersion()).isEqualTo("TLSv1.3");
    ServerTlsContexts.build(mutual, "shop");
    ServerTlsContexts.build(chains.get(1).tls().orElseThrow(), "admin");

    RouteTable https = accepted.routes().get("http.443");
    assertThat(clusters(https.route(TestRequest.get("shop.example.com", "/"))))
        .containsExactly("outbound|80||" + VirtualServiceRoutesTest.WEB);
    assertThat(clusters(https.route(TestRequest.get("admin.example.com:443", "/"))))
        .containsExactly("outbound|80||" + VirtualServiceRoutesTest.API);
    assertThat(r.routes().stream()
            .flatMap(rc -> rc.getVirtualHostsList().stream())
            .flatMap(v -> v.getRoutesList().stream())
            .map(x -> x.getName()))
        .as("a VirtualService of a namespace the server hosts exclude is not served")
        .noneMatch(n -> n.startsWith("elsewhere/"));

    ProxyResources unselected =
        translator.translate(Bookinfo.gateway("edge-ns", Map.of("app", "other")), context);
    assertThat(unselected.listeners()).isEmpty();
    assertThat(unselected.routes()).isEmpty();
    assertThat(unselected.clusters()).isNotEmpty();
  }
}
