/**
 * Pilot's translation of the service model ({@link dev.bowline.spi.platform.PlatformSnapshot}) and
 * the accepted Istio config ({@link dev.bowline.kernel.pilot.config.ConfigSnapshot}) into the Envoy
 * v3 resources of one xDS client ({@link dev.bowline.kernel.pilot.translate.ProxyResources}). The
 * entry point is {@link dev.bowline.kernel.pilot.translate.XdsTranslator}; the per-push memo is
 * {@link dev.bowline.kernel.pilot.translate.TranslationCache}.
 *
 * <p>Everything emitted is inside the subset of Envoy that Bowline's proxy accepts (its {@code
 * ListenerTranslator}, {@code ClusterTranslator}, {@code EndpointTranslator} and {@code
 * RouteTable}, once the proxy's xDS client has put each RDS route configuration inline), and for
 * proxyless clients inside what grpc-java's xDS client accepts. Names follow Istio's, so that
 * operators recognise them.
 *
 * <h2>Clusters and endpoints</h2>
 *
 * <ul>
 *   <li>One EDS cluster per service port, {@code outbound|<port>||<host>}, and one per
 *       DestinationRule subset, {@code outbound|<port>|<subset>|<host>}, each fetching its
 *       endpoints over ADS ({@code service_name} = the cluster name). Every port of every service
 *       gets one, whatever the protocol; gateways and sidecars get them all.
 *   <li>The DestinationRule of a service: the most specific host (exact, then the longest
 *       wildcard), then one in the service's namespace, then in the root namespace, then the
 *       oldest. It is the same for every proxy ({@code exportTo} of DestinationRules is not
 *       applied), so clusters are built once per push.
 *   <li>The policy of a cluster is Istio's merge ({@link
 *       dev.bowline.kernel.pilot.translate.TrafficPolicies}): subset port settings, subset, rule
 *       port settings, rule, each of load balancer, connection pool, outlier detection and TLS
 *       taken whole from the first that sets it.
 *   <li>Connect timeout 10 s (Istio's) unless {@code connectionPool.tcp.connectTimeout}; {@code
 *       loadBalancer.simple} ROUND_ROBIN (default), RANDOM, LEAST_REQUEST and LEAST_CONN (both
 *       LEAST_REQUEST); PASSTHROUGH falls back to round robin; {@code consistentHash} is
 *       RING_HASH or MAGLEV, its hash key the {@code hash_policy} of the routes to the cluster.
 *   <li>Circuit breakers from the connection pool ({@code maxConnections}, {@code
 *       http1MaxPendingRequests}, {@code http2MaxRequests}, {@code maxRetries}); unset ones are
 *       effectively unlimited, as Istio sets them. {@code idleTimeout} and {@code
 *       maxRequestsPerConnection} go to the upstream {@code HttpProtocolOptions}, as does HTTP/2
 *       for HTTP2 and gRPC ports (and {@code h2UpgradePolicy: UPGRADE}). Outlier detection as
 *       Istio writes it, with {@code minHealthPercent} as the panic threshold; the {@code
 *       bowline.dev/health-check} annotation as {@code health_checks}. TLS is not applied yet.
 *   <li>Proxyless clients get RANDOM clusters as ROUND_ROBIN and MAGLEV as RING_HASH (grpc-java
 *       refuses both), and no health checks.
 *   <li>One {@code ClusterLoadAssignment} per outbound cluster, empty when it has no endpoints;
 *       endpoints grouped by locality, each locality weighted by the sum of its endpoints' weights;
 *       endpoints whose address is a DNS name are left out (EDS carries IP addresses only). Where
 *       locality load balancing applies ({@link
 *       dev.bowline.kernel.pilot.translate.LocalityLoadBalancing}), priorities and weights depend
 *       on the proxy's locality, and proxies of one locality share one list.
 * </ul>
 *
 * <h2>Sidecars</h2>
 *
 * <ul>
 *   <li>{@code virtualOutbound} on {@code 127.0.0.1:<outboundPort>}: the application's explicit
 *       HTTP proxy. It listens on loopback only so that it is not an open proxy for the network.
 *       Routes come from RDS {@code outbound}: a virtual host per HTTP, HTTP/2 and gRPC service
 *       port. TCP and TLS ports cannot be reached through it (an HTTP entry point has no
 *       destination address to go by); their clusters exist for gateways and later listeners.
 *   <li>Domains: {@code <host>:<port>}, the bare host on the service's main HTTP port (80, else
 *       the first HTTP port), the short forms {@code <name>.<ns>[.svc]} and, for proxies of the
 *       same namespace only, {@code <name>}. A domain is in one virtual host only: canonical names
 *       first, then short forms, in hostname and port order; the first one wins.
 *   <li>Routes: the oldest VirtualService bound to {@code mesh}, visible from the proxy's namespace
 *       ({@code exportTo}) and whose hosts cover the service, else one route to the port's cluster.
 *       A VirtualService giving no route for a port (all its rules for other ports) leaves the
 *       port with that default route. Unknown hosts get no route (404, NR).
 *   <li>{@code virtualInbound} on {@code 0.0.0.0:<inboundPort>} when the node announces an
 *       application port: everything goes to the STATIC cluster {@code inbound|<appPort>||} at
 *       {@code 127.0.0.1:<appPort>}, over HTTP/2 when the node's service port is HTTP2 or gRPC,
 *       through a TCP proxy when it is TCP or TLS.
 * </ul>
 *
 * <h2>HTTP rules</h2>
 *
 * Rules in order; each {@code match} entry is its own route; an entry for another gateway, port,
 * source ({@code sourceLabels}, {@code sourceNamespace}) or an invalid RE2 regex is left out, and a
 * rule left with none is skipped. Route timeout disabled unless {@code timeout} (Istio); Istio's
 * default retry policy unless {@code retries} ({@code attempts: 0} disables retries; status codes in
 * {@code retryOn} become retriable status codes). Fault injection, CORS and the {@code
 * bowline.dev/local-rate-limit} annotation are per-route filter configs, and the connection manager
 * lists the filters its routes use before the router (cors, fault, local rate limit); mirrors are
 * {@code request_mirror_policies}. Routes depend on the proxy's labels only through the {@code
 * sourceLabels} selectors, so proxies of a namespace that satisfy the same selectors share one
 * route configuration.
 *
 * <h2>Gateways</h2>
 *
 * The Gateways whose selector labels the proxy carries (an empty selector selects every gateway
 * proxy). One listener {@code 0.0.0.0_<port>} per server port, RDS {@code http.<port>}; HTTPS
 * servers (TLS SIMPLE or MUTUAL with certificate files) terminate TLS on that listener, one filter
 * chain per server selected by SNI when several share the port. {@code httpsRedirect} is a redirect
 * route (the proxy does not take {@code require_tls}). TCP servers get a {@code tcp_proxy} from the
 * bound VirtualServices' {@code tcp} rules. Not supported yet, left out with a warning: TLS
 * servers, PASSTHROUGH, ISTIO_MUTUAL, {@code credentialName}, {@code bind}; the listener binds the
 * server's port number. Gateways get every outbound cluster.
 *
 * <h2>Proxyless gRPC</h2>
 *
 * An API listener {@code <host>:<port>} per HTTP, HTTP/2 and gRPC service port (alias {@code
 * <name>.<ns>:<port>} for Kubernetes-style hosts) naming RDS {@code <host>:<port>}, whose single
 * virtual host lists the host with and without port. Redirect and direct-response rules are left
 * out: grpc-java refuses a route table holding one.
 *
 * <h2>Determinism and cost</h2>
 *
 * Every list is sorted by name and every map written in key order, so equal inputs give equal
 * resources and content hashes. Within one push, clusters and endpoints are built once; route
 * tables, gateway and proxyless listeners once per namespace (and source-label signature).
 */
package dev.bowline.kernel.pilot.translate;
