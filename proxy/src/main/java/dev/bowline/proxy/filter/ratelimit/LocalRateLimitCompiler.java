package dev.bowline.proxy.filter.ratelimit;

import dev.bowline.proxy.config.BuiltinFilterFields;
import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.Percentage;
import dev.bowline.proxy.route.HeaderMutations;
import dev.bowline.proxy.route.RouteConfigParts;
import dev.bowline.proxy.stats.MetricRegistry;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.LocalRateLimitDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Compiles Envoy's {@code LocalRateLimit} (the connection manager's filter, or a route's {@code
 * typed_per_filter_config["envoy.filters.http.local_ratelimit"]}) into a {@link LocalRateLimiter},
 * and {@code RateLimit}s (a route's {@code rate_limits}) into {@link RateLimitPolicy}s, with
 * Envoy's rules: {@code stat_prefix} required; {@code token_bucket} required per route, with
 * {@code max_tokens} at least 1, {@code tokens_per_fill} at least 1 (default 1) and {@code
 * fill_interval} at least 50 ms; {@code status} below 400 means 429; {@code descriptors} each with
 * entries and a bucket; {@code stage} at most 10; {@code max_dynamic_descriptors} at least 1
 * (default 20); at most 10 {@code response_headers_to_add}. Fields outside the supported subset are
 * refused, naming them ({@link BuiltinFilterFields}).
 *
 * <p>Counters, per {@code stat_prefix}: {@code envoy_http_local_rate_limit_enabled}, {@code
 * _enforced}, {@code _rate_limited}, {@code _ok}, labelled {@code
 * envoy_local_http_ratelimit_prefix}.
 *
 * <p>Used on the configuration thread.
 */
public final class LocalRateLimitCompiler {

  static final Duration MIN_FILL_INTERVAL = Duration.ofMillis(50);
  static final int DEFAULT_MAX_DYNAMIC_DESCRIPTORS = 20;
  static final int MAX_STAGE = 10;
  private static final String PREFIX_LABEL = "envoy_local_http_ratelimit_prefix";

  private final MetricRegistry metrics;
  private final RateLimiterStore.Generation limiters;
  private final LongSupplier clock;

  /**
   * @param limiters where limiters of the version in force are reused from
   * @param clock nanoseconds for the buckets, as {@link System#nanoTime()}
   */
  public LocalRateLimitCompiler(
      MetricRegistry metrics, RateLimiterStore.Generation limiters, LongSupplier clock) {
    this.metrics = metrics;
    this.limiters = limiters;
    this.clock = clock;
  }

  /**
   * The limiter (the version in force's if its configuration is the same), or null after
   * reporting problems under {@code path}.
   *
   * @param perRoute whether it is a route's configuration, which must have a {@code token_bucket}
   */
  public LocalRateLimiter compile(LocalRateLimit config, boolean perRoute, String path,
      Problems problems) {
    int before = problems.size();
    BuiltinFilterFields.check(config, path, problems);
    if (problems.size() > before) {
      return null;
    }
    LocalRateLimiter reused = limiters.reuse(path, config);
    if (reused != null) {
      return reused;
    }
    LocalRateLimiter made = make(config, perRoute, path, problems);
    if (made != null) {
      limiters.keep(path, config, made);
    }
    return made;
  }

  private LocalRateLimiter make(
      LocalRateLimit config, boolean perRoute, String path, Problems problems) {
    int before = problems.size();
    String statPrefix = config.getStatPrefix();
    if (statPrefix.isEmpty()) {
      problems.add(Problems.join(path, "stat_prefix"), "required");
    }
    int status = 429;
    if (config.hasStatus()) {
      int code = config.getStatus().getCodeValue();
      if (code > 599) {
        problems.add(Problems.join(path, "status.code"), "must be below 600, not " + code);
      } else if (code >= 400) {
        status = code;
      }
    }
    TokenBucket bucket = null;
    if (config.hasTokenBucket()) {
      bucket = bucket(config.getTokenBucket(), Problems.join(path, "token_bucket"), problems);
    } else if (perRoute) {
      problems.add(
          Problems.join(path, "token_bucket"), "required in a route's local rate limit (as Envoy)");
    }
    Percentage enabled =
        Percentage.ofRuntime(config.hasFilterEnabled(), config.getFilterEnabled(),
            Percentage.NEVER, Problems.join(path, "filter_enabled"), problems);
    Percentage enforced =
        Percentage.ofRuntime(config.hasFilterEnforced(), config.getFilterEnforced(),
            Percentage.NEVER, Problems.join(path, "filter_enforced"), problems);
    String headersPath = Problems.join(path, "response_headers_to_add");
    if (config.getResponseHeadersToAddCount() > 10) {
      problems.add(headersPath, "at most 10 headers, not " + config.getResponseHeadersToAddCount());
    }
    HeaderMutations headers =
        RouteConfigParts.headersToAdd(config.getResponseHeadersToAddList(), headersPath, problems);
    int maxDynamic = DEFAULT_MAX_DYNAMIC_DESCRIPTORS;
    if (config.hasMaxDynamicDescriptors()) {
      maxDynamic = config.getMaxDynamicDescriptors().getValue();
      if (maxDynamic < 1) {
        problems.add(Problems.join(path, "max_dynamic_descriptors"),
            "must be at least 1, not " + Integer.toUnsignedLong(maxDynamic));
      }
    }
    List<LocalRateLimiter.DescriptorRule> descriptors = new ArrayList<>();
    String descriptorsPath = Problems.join(path, "descriptors");
    for (int i = 0; i < config.getDescriptorsCount(); i++) {
      LocalRateLimiter.DescriptorRule rule =
          descriptor(config.getDescriptors(i), maxDynamic, Problems.index(descriptorsPath, i),
              problems);
      if (rule != null) {
        descriptors.add(rule);
      }
    }
    int stage = config.getStage();
    if (stage < 0 || stage > MAX_STAGE) {
      problems.add(Problems.join(path, "stage"),
          "must be from 0 to " + MAX_STAGE + ", not " + Integer.toUnsignedLong(stage));
    }
    List<RateLimitPolicy> own =
        policies(config.getRateLimitsList(), Problems.join(path, "rate_limits"), false, problems);
    if (problems.size() > before || enabled == null || enforced == null || headers == null) {
      return null;
    }
    return new LocalRateLimiter(
        statPrefix,
        status,
        headers,
        enabled,
        enforced,
        bucket,
        descriptors,
        stage,
        !config.hasAlwaysConsumeDefaultTokenBucket()
            || config.getAlwaysConsumeDefaultTokenBucket().getValue(),
        config.getRateLimitedAsResourceExhausted(),
        own,
        stats(statPrefix));
  }

  private LocalRateLimiter.DescriptorRule descriptor(
      LocalRateLimitDescriptor d, int maxDynamic, String path, Problems problems) {
    int before = problems.size();
    String entriesPath = Problems.join(path, "entries");
    if (d.getEntriesCount() == 0) {
      problems.add(entriesPath, "at least one entry is required");
    }
    List<DescriptorEntry> entries = new ArrayList<>();
    boolean wildcard = false;
    for (int i = 0; i < d.getEntriesCount(); i++) {
      RateLimitDescriptor.Entry e = d.getEntries(i);
      if (e.getKey().isEmpty()) {
        problems.add(Problems.join(Problems.index(entriesPath, i), "key"), "must not be empty");
      }
      wildcard |= e.getValue().isEmpty();
      entries.add(new DescriptorEntry(e.getKey(), e.getValue()));
    }
    if (!d.hasTokenBucket()) {
      problems.add(Problems.join(path, "token_bucket"), "required");
      return null;
    }
    String bucketPath = Problems.join(path, "token_bucket");
    TokenBucket check = bucket(d.getTokenBucket(), bucketPath, problems);
    if (problems.size() > before || check == null) {
      return null;
    }
    if (!wildcard) {
      return new LocalRateLimiter.DescriptorRule(entries, check, null);
    }
    var spec = d.getTokenBucket();
    DynamicBuckets dynamic =
        new DynamicBuckets(
            Math.max(1, maxDynamic),
            () -> bucket(spec.getMaxTokens(), tokensPerFill(spec), fillInterval(spec)),
            clock);
    return new LocalRateLimiter.DescriptorRule(entries, null, dynamic);
  }

  private TokenBucket bucket(
      io.envoyproxy.envoy.type.v3.TokenBucket spec, String path, Problems problems) {
    int before = problems.size();
    if (spec.getMaxTokens() == 0) {
      problems.add(Problems.join(path, "max_tokens"), "must be at least 1");
    }
    if (spec.hasTokensPerFill() && spec.getTokensPerFill().getValue() == 0) {
      problems.add(Problems.join(path, "tokens_per_fill"), "must be at least 1");
    }
    if (!spec.hasFillInterval()) {
      problems.add(Problems.join(path, "fill_interval"), "required");
    } else if (fillInterval(spec).compareTo(MIN_FILL_INTERVAL) < 0) {
      problems.add(
          Problems.join(path, "fill_interval"),
          "must be at least 50ms (as Envoy), not "
              + fillInterval(spec).toString().substring(2).toLowerCase(Locale.ROOT));
    }
    if (problems.size() > before) {
      return null;
    }
    return bucket(spec.getMaxTokens(), tokensPerFill(spec), fillInterval(spec));
  }

  private TokenBucket bucket(int maxTokens, long tokensPerFill, Duration fillInterval) {
    return new TokenBucket(Integer.toUnsignedLong(maxTokens), tokensPerFill, fillInterval, clock);
  }

  private static long tokensPerFill(io.envoyproxy.envoy.type.v3.TokenBucket spec) {
    return spec.hasTokensPerFill() ? Integer.toUnsignedLong(spec.getTokensPerFill().getValue()) : 1;
  }

  private static Duration fillInterval(io.envoyproxy.envoy.type.v3.TokenBucket spec) {
    return Duration.ofSeconds(spec.getFillInterval().getSeconds(), spec.getFillInterval().getNanos());
  }

  /**
   * Compiles {@code rate_limits}: each with at least one action, {@code stage} at most 10; actions
   * {@code request_headers} ({@code header_name}, {@code descriptor_key}, {@code skip_if_absent}),
   * {@code remote_address} and {@code generic_key}. Problems are reported under {@code path}.
   *
   * @param checkFields whether to check the supported subset here (a route's), or whether it was
   *     checked with the message holding them (a local rate limit's own)
   * @return the policies, or an empty list after reporting problems
   */
  public static List<RateLimitPolicy> policies(
      List<RateLimit> rateLimits, String path, boolean checkFields, Problems problems) {
    List<RateLimitPolicy> out = new ArrayList<>();
    for (int i = 0; i < rateLimits.size(); i++) {
      String at = Problems.index(path, i);
      RateLimit r = rateLimits.get(i);
      int before = problems.size();
      if (checkFields) {
        BuiltinFilterFields.check(r, at, problems);
      }
      if (r.getStage().getValue() > MAX_STAGE) {
        problems.add(Problems.join(at, "stage"),
            "must be from 0 to " + MAX_STAGE + ", not " + r.getStage().getValue());
      }
      String actionsPath = Problems.join(at, "actions");
      if (r.getActionsCount() == 0) {
        problems.add(actionsPath, "at least one action is required");
      }
      List<RateLimitPolicy.Action> actions = new ArrayList<>();
      for (int j = 0; j < r.getActionsCount(); j++) {
        RateLimitPolicy.Action action =
            action(r.getActions(j), Problems.index(actionsPath, j), problems);
        if (action != null) {
          actions.add(action);
        }
      }
      if (problems.size() == before) {
        out.add(new RateLimitPolicy(r.getStage().getValue(), actions));
      }
    }
    return out;
  }

  private static RateLimitPolicy.Action action(
      RateLimit.Action action, String path, Problems problems) {
    switch (action.getActionSpecifierCase()) {
      case REQUEST_HEADERS -> {
        RateLimit.Action.RequestHeaders h = action.getRequestHeaders();
        String at = Problems.join(path, "request_headers");
        if (h.getHeaderName().isEmpty()) {
          problems.add(Problems.join(at, "header_name"), "must not be empty");
        }
        if (h.getDescriptorKey().isEmpty()) {
          problems.add(Problems.join(at, "descriptor_key"), "must not be empty");
        }
        return new RateLimitPolicy.RequestHeader(
            h.getHeaderName().toLowerCase(Locale.ROOT), h.getDescriptorKey(), h.getSkipIfAbsent());
      }
      case REMOTE_ADDRESS -> {
        return new RateLimitPolicy.RemoteAddress();
      }
      case GENERIC_KEY -> {
        RateLimit.Action.GenericKey g = action.getGenericKey();
        if (g.getDescriptorValue().isEmpty()) {
          problems.add(
              Problems.join(Problems.join(path, "generic_key"), "descriptor_value"),
              "must not be empty");
        }
        return new RateLimitPolicy.GenericKey(
            g.getDescriptorKey().isEmpty() ? "generic_key" : g.getDescriptorKey(),
            g.getDescriptorValue());
      }
      case ACTIONSPECIFIER_NOT_SET -> {
        problems.add(path, "one action (request_headers, remote_address, generic_key) is required");
        return null;
      }
      default -> {
        return null; // refused by the field check
      }
    }
  }

  private LocalRateLimiter.Stats stats(String prefix) {
    Map<String, String> labels = Map.of(PREFIX_LABEL, prefix);
    return new LocalRateLimiter.Stats(
        metrics.counter("envoy_http_local_rate_limit_enabled",
            "Requests the local rate limit looked at (filter_enabled).", labels),
        metrics.counter("envoy_http_local_rate_limit_enforced",
            "Requests the local rate limit answered itself.", labels),
        metrics.counter("envoy_http_local_rate_limit_rate_limited",
            "Requests over the local rate limit, enforced or not.", labels),
        metrics.counter("envoy_http_local_rate_limit_ok",
            "Requests within the local rate limit.", labels));
  }
}
