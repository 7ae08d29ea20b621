package dev.bowline.proxy.filter.ratelimit;

import dev.bowline.proxy.filter.FilterRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * One compiled {@code RateLimit} of a route (or of a local rate limit's own {@code rate_limits}):
 * its {@code stage} and the actions that, in order, make one descriptor for a request, as Envoy's
 * {@code RateLimitPolicyEntry} does. An action that cannot produce its entry (a header that is
 * absent) means no descriptor at all, unless it is {@code skip_if_absent}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RateLimitPolicy {

  /** One action; produces an entry, or null when it has none for the request. */
  sealed interface Action {

    DescriptorEntry entry(FilterRequest request);

    /** Whether a missing entry is skipped rather than ending the descriptor. */
    default boolean skipIfAbsent() {
      return false;
    }
  }

  /** {@code request_headers}: the header's first value under {@code descriptor_key}. */
  record RequestHeader(String header, String key, boolean skipIfAbsent) implements Action {
    @Override
    public DescriptorEntry entry(FilterRequest request) {
      String value = request.firstHeader(header);
      return value == null ? null : new DescriptorEntry(key, value);
    }
  }

  /** {@code remote_address}: the client's trusted address under {@code remote_address}. */
  record RemoteAddress() implements Action {
    @Override
    public DescriptorEntry entry(FilterRequest request) {
      String address = request.clientAddress();
      return address == null ? null : new DescriptorEntry("remote_address", address);
    }
  }

  /** {@code generic_key}: a constant entry. */
  record GenericKey(String key, String value) implements Action {
    @Override
    public DescriptorEntry entry(FilterRequest request) {
      return new DescriptorEntry(key, value);
    }
  }

  private final int stage;
  private final Action[] actions;

  RateLimitPolicy(int stage, List<Action> actions) {
    this.stage = stage;
    this.actions = actions.toArray(new Action[0]);
  }

  /** The {@code stage} a local rate limit must have to use this policy. */
  public int stage() {
    return stage;
  }

  /** The descriptor for {@code request}, or null when an action cannot produce its entry. */
  public List<DescriptorEntry> descriptor(FilterRequest request) {
    List<DescriptorEntry> entries = new ArrayList<>(actions.length);
    for (Action action : actions) {
      DescriptorEntry entry = action.entry(request);
      if (entry == null) {
        if (action.skipIfAbsent()) {
          continue;
        }
        return null;
      }
      entries.add(entry);
    }
    return entries.isEmpty() ? null : entries;
  }

  @Override
  public String toString() {
    return "rate_limit{stage " + stage + ", " + List.of(actions) + "}";
  }
}
