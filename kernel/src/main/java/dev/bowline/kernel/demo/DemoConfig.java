package dev.bowline.kernel.demo;

/**
 * The Istio resources the demo applies, as an operator would write them: an ingress Gateway, a
 * VirtualService sending the gateway's traffic to {@code frontend}, and the traffic split of
 * {@code backend} between its versions.
 */
final class DemoConfig {

  private DemoConfig() {}

  static String gatewayAndRoutes(int gatewayPort) {
    return """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: demo-gateway}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: %d, name: http, protocol: HTTP}
            hosts: ["*"]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: frontend}
        spec:
          hosts: ["*"]
          gateways: [demo-gateway]
          http:
          - route:
            - destination: {host: frontend}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: backend}
        spec:
          host: backend
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        """.formatted(gatewayPort);
  }

  /** The backend split, {@code v1} percent to v1 and the rest to v2. */
  static String backendSplit(int v1) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: backend}
        spec:
          hosts: [backend]
          http:
          - match:
            - headers: {end-user: {exact: jason}}
            route:
            - destination: {host: backend, subset: v2}
          - route:
            - destination: {host: backend, subset: v1}
              weight: %d
            - destination: {host: backend, subset: v2}
              weight: %d
        """.formatted(v1, 100 - v1);
  }
}
