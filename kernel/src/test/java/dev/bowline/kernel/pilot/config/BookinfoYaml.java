package dev.bowline.kernel.pilot.config;

/** Istio resources as istio.io's Bookinfo tasks write them, for tests. */
final class BookinfoYaml {

  private BookinfoYaml() {}

  /** Request routing: jason sees reviews v2, everyone else v1. */
  static final String REVIEWS_VIRTUAL_SERVICE = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts:
          - reviews
        http:
        - match:
          - headers:
              end-user:
                exact: jason
          route:
          - destination:
              host: reviews
              subset: v2
        - route:
          - destination:
              host: reviews
              subset: v1
      """;

  /** Traffic shifting: half to v1, half to v3. */
  static final String REVIEWS_50_V3 = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts:
          - reviews
        http:
        - route:
          - destination:
              host: reviews
              subset: v1
            weight: 50
          - destination:
              host: reviews
              subset: v3
            weight: 50
      """;

  static final String REVIEWS_DESTINATION_RULE = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: reviews
      spec:
        host: reviews
        subsets:
        - name: v1
          labels:
            version: v1
        - name: v2
          labels:
            version: v2
        - name: v3
          labels:
            version: v3
      """;

  static final String BOOKINFO_GATEWAY = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata:
        name: bookinfo-gateway
      spec:
        selector:
          istio: ingressgateway
        servers:
        - port:
            number: 8080
            name: http
            protocol: HTTP
          hosts:
          - "*"
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: bookinfo
      spec:
        hosts:
        - "*"
        gateways:
        - bookinfo-gateway
        http:
        - match:
          - uri:
              exact: /productpage
          - uri:
              prefix: /static
          - uri:
              exact: /login
          - uri:
              exact: /logout
          - uri:
              prefix: /api/v1/products
          route:
          - destination:
              host: productpage
              port:
                number: 9080
      """;

  /** Fault injection: a 7 s delay for jason's requests to ratings. */
  static final String RATINGS_DELAY = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: ratings
      spec:
        hosts:
        - ratings
        http:
        - match:
          - headers:
              end-user:
                exact: jason
          fault:
            delay:
              percentage:
                value: 100.0
              fixedDelay: 7s
          route:
          - destination:
              host: ratings
              subset: v1
        - route:
          - destination:
              host: ratings
              subset: v1
      """;

  static final String HTTPBIN_SERVICE_ENTRY = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata:
        name: httpbin-ext
      spec:
        hosts:
        - httpbin.org
        ports:
        - number: 80
          name: http
          protocol: HTTP
        resolution: DNS
        location: MESH_EXTERNAL
      """;
}
