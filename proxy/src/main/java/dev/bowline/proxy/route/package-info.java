/**
 * HTTP routing: Envoy's v3 {@code RouteConfiguration} compiled into an immutable {@link
 * dev.bowline.proxy.route.RouteTable} that is matched on every request.
 *
 * <p>The package is a pure library: it knows nothing of Netty or of the connection manager. The
 * data path adapts a request to {@link dev.bowline.proxy.route.RequestView}, asks {@link
 * dev.bowline.proxy.route.RouteTable#route} for a {@link dev.bowline.proxy.route.RouteEntry}
 * ({@code null} is Envoy's response flag {@code NR}), and performs its {@link
 * dev.bowline.proxy.route.Action}: forward to a cluster, redirect, or reply directly. Header
 * mutations are precompiled {@link dev.bowline.proxy.route.HeaderMutations} applied through the
 * small {@link dev.bowline.proxy.route.MutableHeaders} interface.
 *
 * <p>Compilation happens once per config version and reports every problem at once, each starting
 * with the path of the offending field. Matching allocates nothing on the common paths (prefix,
 * exact, header and query matchers); regular expressions use RE2 (re2j), which runs in linear time
 * and is never compiled on the request path. Compiled objects are immutable and thread-safe.
 *
 * <h2>Supported fields</h2>
 *
 * Any other field that is set is an error naming its path ({@code ...: not supported by Bowline}).
 *
 * <ul>
 *   <li>{@code RouteConfiguration}: {@code name}, {@code virtual_hosts}, {@code
 *       request_headers_to_add/remove}, {@code response_headers_to_add/remove}, {@code
 *       internal_only_headers} (exposed; the data path strips them from external requests), {@code
 *       most_specific_header_mutations_wins}, {@code ignore_port_in_host_matching}, {@code
 *       max_direct_response_body_size_bytes} (default 4096).
 *   <li>{@code VirtualHost}: {@code name} (unique), {@code domains} (unique over the
 *       configuration), {@code routes}, {@code request/response_headers_to_add/remove}.
 *   <li>{@code Route}: {@code name}, {@code match}, one of {@code route}, {@code redirect}, {@code
 *       direct_response}, {@code request/response_headers_to_add/remove}, {@code
 *       typed_per_filter_config} (with the action's {@code rate_limits}: compiled by the {@link
 *       dev.bowline.proxy.route.RouteFilterCompiler} the table is compiled with; without one they
 *       are refused).
 *   <li>{@code RouteMatch}: one of {@code prefix}, {@code path}, {@code safe_regex} (whole path),
 *       {@code path_separated_prefix}; {@code case_sensitive}, {@code headers}, {@code
 *       query_parameters}, {@code grpc}. Paths are matched without query string and fragment.
 *   <li>{@code HeaderMatcher}: {@code name} (pseudo-headers {@code :method}, {@code :authority},
 *       {@code :path}, {@code :scheme}; {@code host} is {@code :authority}), {@code exact_match},
 *       {@code prefix_match}, {@code suffix_match}, {@code contains_match}, {@code
 *       safe_regex_match}, {@code present_match}, {@code string_match}, {@code invert_match},
 *       {@code treat_missing_header_as_empty}.
 *   <li>{@code QueryParameterMatcher}: {@code name}, {@code string_match}, {@code present_match}.
 *   <li>{@code StringMatcher}: {@code exact}, {@code prefix}, {@code suffix}, {@code contains},
 *       {@code safe_regex} (whole value), {@code ignore_case} (ASCII; not with {@code
 *       safe_regex}). {@code RegexMatcher}: {@code regex}, an empty {@code google_re2}.
 *   <li>{@code RouteAction}: {@code cluster} or {@code weighted_clusters} ({@code clusters[]} with
 *       {@code name}, {@code weight}, {@code host_rewrite_literal}, {@code
 *       request/response_headers_to_add/remove}; {@code total_weight} checked against the sum),
 *       {@code prefix_rewrite} or {@code regex_rewrite}, {@code host_rewrite_literal}, {@code
 *       timeout} (default 15 s; 0 disables), {@code idle_timeout}, {@code retry_policy} ({@code
 *       retry_on}, {@code num_retries}, {@code per_try_timeout}, {@code retriable_status_codes},
 *       {@code retry_back_off}), {@code hash_policy} (see {@link
 *       dev.bowline.proxy.route.HashPolicy}; not {@code filter_state}), {@code
 *       request_mirror_policies} ({@code cluster}, {@code runtime_fraction.default_value}, {@code
 *       trace_sampled} absent or false, {@code disable_shadow_host_suffix_append}), {@code
 *       rate_limits} (see {@code Route} below).
 *   <li>{@code RedirectAction}: {@code https_redirect} or {@code scheme_redirect}, {@code
 *       host_redirect}, {@code port_redirect}, one of {@code path_redirect}, {@code
 *       prefix_rewrite}, {@code regex_rewrite}; {@code response_code} (default 301), {@code
 *       strip_query}.
 *   <li>{@code DirectResponseAction}: {@code status} (200 to 599), {@code body} as {@code
 *       inline_string} or {@code inline_bytes}.
 *   <li>{@code HeaderValueOption}: {@code header} ({@code key}, {@code value} with the format
 *       variables of {@link dev.bowline.proxy.route.FormatContext}), {@code append} (deprecated)
 *       or {@code append_action}, {@code keep_empty_value}.
 * </ul>
 *
 * <h2>Decisions where Envoy leaves room</h2>
 *
 * <ul>
 *   <li>Virtual host selection strips the port of the authority unless a domain names it: at each
 *       step of Envoy's precedence (exact, suffix wildcard, prefix wildcard, {@code *}), the
 *       authority is tried with its port, then without (see {@code DomainIndex}). Envoy itself
 *       only strips with {@code strip_matching_host_port} or {@code ignore_port_in_host_matching}.
 *   <li>Header values with an unknown {@code %VARIABLE%} keep it literally, where Envoy rejects
 *       the configuration.
 *   <li>{@code retry_on} conditions Envoy does not define are rejected.
 * </ul>
 */
package dev.bowline.proxy.route;
