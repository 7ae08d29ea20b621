package dev.bowline.proxy.route;

import java.util.ArrayList;
import java.util.List;

/**
 * The header levels that enclose a route (its own, its virtual host's, the route configuration's),
 * most specific first, and how to merge them into {@link HeaderMutations}: most specific first by
 * default, so that the least specific level's overwrites win; reversed with {@code
 * most_specific_header_mutations_wins}. A weighted cluster's level is always applied first, as
 * Envoy does.
 */
final class HeaderScope {

  private final List<HeaderLevel> request;
  private final List<HeaderLevel> response;
  private final boolean mostSpecificWins;

  private HeaderScope(
      List<HeaderLevel> request, List<HeaderLevel> response, boolean mostSpecificWins) {
    this.request = request;
    this.response = response;
    this.mostSpecificWins = mostSpecificWins;
  }

  /** The route configuration's levels. */
  static HeaderScope root(HeaderLevel request, HeaderLevel response, boolean mostSpecificWins) {
    return new HeaderScope(List.of(request), List.of(response), mostSpecificWins);
  }

  /** This scope with a more specific level inside it (a virtual host's, then a route's). */
  HeaderScope inner(HeaderLevel innerRequest, HeaderLevel innerResponse) {
    return new HeaderScope(
        prepend(innerRequest, request), prepend(innerResponse, response), mostSpecificWins);
  }

  HeaderMutations request(HeaderLevel cluster) {
    return merge(cluster, request);
  }

  HeaderMutations response(HeaderLevel cluster) {
    return merge(cluster, response);
  }

  private HeaderMutations merge(HeaderLevel cluster, List<HeaderLevel> levels) {
    List<HeaderLevel> ordered = new ArrayList<>();
    ordered.add(cluster);
    if (mostSpecificWins) {
      for (int i = levels.size() - 1; i >= 0; i--) {
        ordered.add(levels.get(i));
      }
    } else {
      ordered.addAll(levels);
    }
    return HeaderMutations.of(ordered);
  }

  private static List<HeaderLevel> prepend(HeaderLevel first, List<HeaderLevel> rest) {
    List<HeaderLevel> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return List.copyOf(all);
  }
}
