package dev.bowline.proxy.config;

import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StderrAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.connection_limit.v3.ConnectionLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;

/**
 * The allowlist: every Envoy v3 field Bowline supports, in one place. A set field that is not
 * listed here is an error naming its path ({@code not supported by Bowline yet}); it is never
 * silently ignored. Which <em>values</em> are allowed (for example {@code type: STATIC} or
 * {@code EDS}) is checked by the translators. Keep {@code docs/proxy-bootstrap.md} in step.
 *
 * <p>Paths are relative to the message type each set is built for; {@code []} marks each element
 * of a repeated message field and {@code ["key"]} a map entry. The sets are immutable and
 * thread-safe.
 */
final class SupportedFields {

  private SupportedFields() {}

  // ---- HTTP filters and access logs ---------------------------------------------------------

  /** The router takes no settings. */
  static final FieldSet ROUTER = FieldSet.of(Router.getDescriptor()).build();

  /** Configuration of Bowline filter plugins: a free-form tree. */
  static final FieldSet TYPED_STRUCT =
      FieldSet.opaque(com.github.xds.type.v3.TypedStruct.getDescriptor());

  static final FieldSet UDPA_TYPED_STRUCT =
      FieldSet.opaque(com.github.udpa.udpa.type.v1.TypedStruct.getDescriptor());

  static final FieldSet STRUCT = FieldSet.opaque(Struct.getDescriptor());

  // ---- built-in HTTP filters: in http_filters, and per route in typed_per_filter_config -----

  /** Fault injection ({@code envoy.filters.http.fault}); {@code headers} as a route's matchers. */
  static final FieldSet HTTP_FAULT =
      FieldSet.of(HTTPFault.getDescriptor())
          .leaf(
              "delay.fixed_delay",
              "delay.percentage.numerator",
              "delay.percentage.denominator",
              "abort.http_status",
              "abort.grpc_status",
              "abort.percentage.numerator",
              "abort.percentage.denominator")
          .subtree("headers[]") // checked by the route compiler's header matcher rules
          .build();

  /** The CORS filter ({@code envoy.filters.http.cors}) takes no settings. */
  static final FieldSet CORS = FieldSet.of(Cors.getDescriptor()).build();

  /** A route's CORS policy. */
  static final FieldSet CORS_POLICY =
      FieldSet.of(CorsPolicy.getDescriptor())
          .subtree("allow_origin_string_match[]") // checked as the route's string matchers
          .leaf(
              "allow_methods",
              "allow_headers",
              "expose_headers",
              "max_age",
              "allow_credentials",
              "filter_enabled.default_value.numerator",
              "filter_enabled.default_value.denominator",
              "forward_not_matching_preflights")
          .build();

  /** A route's (or a local rate limit's) {@code rate_limits}: what makes a request's descriptors. */
  static final FieldSet RATE_LIMIT =
      FieldSet.of(RateLimit.getDescriptor())
          .leaf(
              "stage",
              "actions[].request_headers.header_name",
              "actions[].request_headers.descriptor_key",
              "actions[].request_headers.skip_if_absent",
              "actions[].remote_address",
              "actions[].generic_key.descriptor_value",
              "actions[].generic_key.descriptor_key")
          .build();

  /** The local rate limit ({@code envoy.filters.http.local_ratelimit}). */
  static final FieldSet LOCAL_RATE_LIMIT =
      FieldSet.of(LocalRateLimit.getDescriptor())
          .leaf(
              "stat_prefix",
              "status.code",
              "token_bucket.max_tokens",
              "token_bucket.tokens_per_fill",
              "token_bucket.fill_interval",
              "filter_enabled.default_value.numerator",
              "filter_enabled.default_value.denominator",
              "filter_enforced.default_value.numerator",
              "filter_enforced.default_value.denominator")
          .subtree("response_headers_to_add[]") // checked as a route's headers to add
          .leaf(
              "descriptors[].entries[].key",
              "descriptors[].entries[].value",
              "descriptors[].token_bucket.max_tokens",
              "descriptors[].token_bucket.tokens_per_fill",
              "descriptors[].token_bucket.fill_interval",
              "stage",
              "always_consume_default_token_bucket",
              "rate_limited_as_resource_exhausted",
              "max_dynamic_descriptors")
          .nested("rate_limits[]", RATE_LIMIT)
          .build();

  static final FieldSet FILE_ACCESS_LOG =
      FieldSet.of(FileAccessLog.getDescriptor())
          .leaf(
              "path",
              "format",
              "log_format.text_format",
              "log_format.text_format_source.inline_string")
          .build();

  static final FieldSet STDOUT_ACCESS_LOG =
      FieldSet.of(StdoutAccessLog.getDescriptor())
          .leaf("log_format.text_format", "log_format.text_format_source.inline_string")
          .build();

  static final FieldSet STDERR_ACCESS_LOG =
      FieldSet.of(StderrAccessLog.getDescriptor())
          .leaf("log_format.text_format", "log_format.text_format_source.inline_string")
          .build();

  // ---- network filters ----------------------------------------------------------------------

  static final FieldSet HTTP_CONNECTION_MANAGER =
      FieldSet.of(HttpConnectionManager.getDescriptor())
          .leaf("stat_prefix", "codec_type")
          .subtree("route_config") // compiled and validated by the router
          .leaf("http_filters[].name")
          .any(
              "http_filters[].typed_config",
              ROUTER,
              TYPED_STRUCT,
              UDPA_TYPED_STRUCT,
              STRUCT,
              HTTP_FAULT,
              CORS,
              LOCAL_RATE_LIMIT)
          .leaf(
              "max_request_headers_kb",
              "common_http_protocol_options.idle_timeout",
              "common_http_protocol_options.max_headers_count",
              "request_headers_timeout",
              "stream_idle_timeout",
              "drain_timeout",
              "use_remote_address",
              "xff_num_trusted_hops",
              "generate_request_id",
              "normalize_path",
              "merge_slashes",
              "path_with_escaped_slashes_action",
              "http2_protocol_options.max_concurrent_streams",
              "http2_protocol_options.initial_stream_window_size",
              "http2_protocol_options.initial_connection_window_size",
              "forward_client_cert_details",
              "set_current_client_cert_details.subject",
              "set_current_client_cert_details.uri",
              "set_current_client_cert_details.dns",
              "access_log[].name")
          .any("access_log[].typed_config", FILE_ACCESS_LOG, STDOUT_ACCESS_LOG, STDERR_ACCESS_LOG)
          .build();

  static final FieldSet TCP_PROXY =
      FieldSet.of(TcpProxy.getDescriptor())
          .leaf(
              "stat_prefix",
              "cluster",
              "weighted_clusters.clusters[].name",
              "weighted_clusters.clusters[].weight",
              "idle_timeout",
              "hash_policy[].source_ip")
          .build();

  static final FieldSet CONNECTION_LIMIT =
      FieldSet.of(ConnectionLimit.getDescriptor()).leaf("stat_prefix", "max_connections").build();

  /** Bowline always reads SNI and ALPN itself; the inspector is accepted and takes no settings. */
  static final FieldSet TLS_INSPECTOR = FieldSet.of(TlsInspector.getDescriptor()).build();

  /**
   * Bowline detects the HTTP version of plaintext connections whenever a chain matches on it; the
   * inspector is accepted and takes no settings.
   */
  static final FieldSet HTTP_INSPECTOR = FieldSet.of(HttpInspector.getDescriptor()).build();

  // ---- TLS ----------------------------------------------------------------------------------

  /**
   * What verifies a peer and which names it may have, in both TLS contexts: a CA file, or the
   * workload trust bundle (SDS {@code ROOTCA}) alone or combined with SAN matchers, as Istio writes
   * it. The workload certificate is SDS {@code default}. An {@code sds_config} may say anything
   * (ADS, a gRPC source, a path): it names the proxy's own workload secrets.
   */
  private static final String[] TLS_SECRETS_AND_VALIDATION = {
    "common_tls_context.tls_certificates[].certificate_chain.filename",
    "common_tls_context.tls_certificates[].private_key.filename",
    "common_tls_context.tls_certificate_sds_secret_configs[].name",
    "common_tls_context.validation_context.trusted_ca.filename",
    "common_tls_context.validation_context.match_typed_subject_alt_names[].san_type",
    "common_tls_context.validation_context.match_typed_subject_alt_names[].matcher.exact",
    "common_tls_context.validation_context.match_typed_subject_alt_names[].matcher.prefix",
    "common_tls_context.validation_context.match_subject_alt_names[].exact",
    "common_tls_context.validation_context.match_subject_alt_names[].prefix",
    "common_tls_context.validation_context_sds_secret_config.name",
    "common_tls_context.combined_validation_context.validation_context_sds_secret_config.name",
    "common_tls_context.combined_validation_context.default_validation_context"
        + ".match_typed_subject_alt_names[].san_type",
    "common_tls_context.combined_validation_context.default_validation_context"
        + ".match_typed_subject_alt_names[].matcher.exact",
    "common_tls_context.combined_validation_context.default_validation_context"
        + ".match_typed_subject_alt_names[].matcher.prefix",
    "common_tls_context.combined_validation_context.default_validation_context"
        + ".match_subject_alt_names[].exact",
    "common_tls_context.combined_validation_context.default_validation_context"
        + ".match_subject_alt_names[].prefix",
    "common_tls_context.alpn_protocols"
  };

  static final FieldSet DOWNSTREAM_TLS =
      FieldSet.of(DownstreamTlsContext.getDescriptor())
          .leaf(TLS_SECRETS_AND_VALIDATION)
          .subtree("common_tls_context.tls_certificate_sds_secret_configs[].sds_config")
          .subtree("common_tls_context.validation_context_sds_secret_config.sds_config")
          .subtree(
              "common_tls_context.combined_validation_context.validation_context_sds_secret_config"
                  + ".sds_config")
          .leaf(
              "common_tls_context.tls_params.tls_minimum_protocol_version",
              "common_tls_context.tls_params.tls_maximum_protocol_version",
              "require_client_certificate")
          .build();

  static final FieldSet UPSTREAM_TLS =
      FieldSet.of(UpstreamTlsContext.getDescriptor())
          .leaf("sni")
          .leaf(TLS_SECRETS_AND_VALIDATION)
          .subtree("common_tls_context.tls_certificate_sds_secret_configs[].sds_config")
          .subtree("common_tls_context.validation_context_sds_secret_config.sds_config")
          .subtree(
              "common_tls_context.combined_validation_context.validation_context_sds_secret_config"
                  + ".sds_config")
          .build();

  // ---- listeners ----------------------------------------------------------------------------

  static final FieldSet LISTENER =
      FieldSet.of(Listener.getDescriptor())
          .leaf(
              "name",
              "address.socket_address.address",
              "address.socket_address.port_value",
              "per_connection_buffer_limit_bytes",
              "listener_filters[].name")
          .any("listener_filters[].typed_config", TLS_INSPECTOR, HTTP_INSPECTOR)
          .leaf(
              "filter_chains[].filter_chain_match.server_names",
              "filter_chains[].filter_chain_match.application_protocols",
              "filter_chains[].filter_chain_match.transport_protocol",
              "filter_chains[].transport_socket.name")
          .any("filter_chains[].transport_socket.typed_config", DOWNSTREAM_TLS)
          .leaf("filter_chains[].filters[].name")
          .any(
              "filter_chains[].filters[].typed_config",
              HTTP_CONNECTION_MANAGER,
              TCP_PROXY,
              CONNECTION_LIMIT)
          .build();

  // ---- clusters -----------------------------------------------------------------------------

  static final FieldSet CLUSTER_LOAD_ASSIGNMENT =
      FieldSet.of(ClusterLoadAssignment.getDescriptor())
          .leaf(
              "cluster_name",
              "endpoints[].locality.region",
              "endpoints[].locality.zone",
              "endpoints[].locality.sub_zone",
              "endpoints[].load_balancing_weight",
              "endpoints[].priority",
              "endpoints[].lb_endpoints[].endpoint.address.socket_address.address",
              "endpoints[].lb_endpoints[].endpoint.address.socket_address.port_value",
              "endpoints[].lb_endpoints[].load_balancing_weight",
              "endpoints[].lb_endpoints[].health_status")
          // transport socket labels (string values, checked by the translator)
          .subtree("endpoints[].lb_endpoints[].metadata.filter_metadata[\""
              + TransportSocketMatch.METADATA_NAMESPACE + "\"]")
          .leaf(
              "policy.overprovisioning_factor",
              "policy.weighted_priority_health")
          .build();

  static final FieldSet OUTLIER_DETECTION =
      FieldSet.of(OutlierDetection.getDescriptor())
          .leaf(
              "consecutive_5xx",
              "consecutive_gateway_failure",
              "consecutive_local_origin_failure",
              "enforcing_consecutive_5xx",
              "enforcing_consecutive_gateway_failure",
              "enforcing_consecutive_local_origin_failure",
              "split_external_local_origin_errors",
              "interval",
              "base_ejection_time",
              "max_ejection_time",
              "max_ejection_time_jitter",
              "max_ejection_percent",
              "always_eject_one_host",
              "success_rate_minimum_hosts",
              "success_rate_request_volume",
              "success_rate_stdev_factor",
              "enforcing_success_rate",
              "enforcing_local_origin_success_rate",
              "failure_percentage_threshold",
              "failure_percentage_minimum_hosts",
              "failure_percentage_request_volume",
              "enforcing_failure_percentage",
              "enforcing_failure_percentage_local_origin",
              "successful_active_health_check_uneject_host")
          .build();

  static final FieldSet HEALTH_CHECK =
      FieldSet.of(HealthCheck.getDescriptor())
          .leaf(
              "timeout",
              "interval",
              "initial_jitter",
              "interval_jitter",
              "interval_jitter_percent",
              "unhealthy_threshold",
              "healthy_threshold",
              "reuse_connection",
              "no_traffic_interval",
              "no_traffic_healthy_interval",
              "unhealthy_interval",
              "unhealthy_edge_interval",
              "healthy_edge_interval",
              "http_health_check.path",
              "http_health_check.host",
              "http_health_check.method",
              "http_health_check.expected_statuses[].start",
              "http_health_check.expected_statuses[].end",
              "http_health_check.retriable_statuses[].start",
              "http_health_check.retriable_statuses[].end",
              "http_health_check.codec_client_type",
              "tcp_health_check.send.text",
              "tcp_health_check.send.binary",
              "tcp_health_check.receive[].text",
              "tcp_health_check.receive[].binary",
              "grpc_health_check.service_name",
              "grpc_health_check.authority")
          .build();

  static final FieldSet UPSTREAM_HTTP_PROTOCOL_OPTIONS =
      FieldSet.of(HttpProtocolOptions.getDescriptor())
          .leaf(
              "explicit_http_config.http_protocol_options",
              "explicit_http_config.http2_protocol_options",
              "common_http_protocol_options.idle_timeout",
              "common_http_protocol_options.max_requests_per_connection")
          .build();

  static final FieldSet CLUSTER =
      FieldSet.of(Cluster.getDescriptor())
          .leaf("name", "type")
          .subtree("eds_cluster_config") // where EDS comes from: the xDS client's business
          .leaf("connect_timeout", "lb_policy", "least_request_lb_config.choice_count")
          .leaf(
              "ring_hash_lb_config.minimum_ring_size",
              "ring_hash_lb_config.maximum_ring_size",
              "ring_hash_lb_config.hash_function",
              "maglev_lb_config.table_size")
          .leaf("dns_lookup_family", "dns_refresh_rate") // STRICT_DNS and LOGICAL_DNS
          .nested("load_assignment", CLUSTER_LOAD_ASSIGNMENT)
          .leaf(
              "circuit_breakers.thresholds[].priority",
              "circuit_breakers.thresholds[].max_connections",
              "circuit_breakers.thresholds[].max_pending_requests",
              "circuit_breakers.thresholds[].max_requests",
              "circuit_breakers.thresholds[].max_retries")
          .any(
              "typed_extension_protocol_options[\""
                  + EnvoyTypes.UPSTREAM_HTTP_PROTOCOL_OPTIONS_KEY
                  + "\"]",
              UPSTREAM_HTTP_PROTOCOL_OPTIONS)
          .leaf("http2_protocol_options", "max_requests_per_connection") // legacy forms
          .leaf("transport_socket.name")
          .any("transport_socket.typed_config", UPSTREAM_TLS)
          .leaf("transport_socket_matches[].name", "transport_socket_matches[].transport_socket.name")
          .subtree("transport_socket_matches[].match") // string values, checked by the translator
          .any("transport_socket_matches[].transport_socket.typed_config", UPSTREAM_TLS)
          .nested("outlier_detection", OUTLIER_DETECTION)
          .nested("health_checks[]", HEALTH_CHECK)
          .leaf("common_lb_config.healthy_panic_threshold.value")
          .build();

  // ---- bootstrap ----------------------------------------------------------------------------

  static final FieldSet BOOTSTRAP =
      FieldSet.of(Bootstrap.getDescriptor())
          .leaf(
              "node.id",
              "node.cluster",
              "admin.address.socket_address.address",
              "admin.address.socket_address.port_value",
              "admin.access_log_path") // only /dev/null: Bowline's admin server keeps no log
          .delegated("static_resources.listeners[]") // by ListenerTranslator
          .delegated("static_resources.clusters[]") // by ClusterTranslator
          .build();
}
