package dev.bowline.kernel.demo.bookinfo;

import java.util.List;
import java.util.Set;

/**
 * The four services of Istio's Bookinfo sample, with the versions each has here and the services
 * each calls. Immutable.
 */
public enum BookinfoKind {
  /** The web front end: renders the book page from details and reviews. */
  PRODUCTPAGE("productpage", List.of("v1")),
  /** The book's details. */
  DETAILS("details", List.of("v1")),
  /** Two reviews; v1 without ratings, v2 with black stars, v3 with red stars. */
  REVIEWS("reviews", List.of("v1", "v2", "v3")),
  /** The reviewers' ratings. */
  RATINGS("ratings", List.of("v1"));

  private final String serviceName;
  private final List<String> versions;

  BookinfoKind(String serviceName, List<String> versions) {
    this.serviceName = serviceName;
    this.versions = versions;
  }

  /** The service's name, as in the mesh and in the original ({@code reviews}, ...). */
  public String serviceName() {
    return serviceName;
  }

  /** The versions this implementation has for the service. */
  public List<String> versions() {
    return versions;
  }

  /** The services that {@code version} of this service calls. */
  public Set<String> calls(String version) {
    return switch (this) {
      case PRODUCTPAGE -> Set.of(DETAILS.serviceName, REVIEWS.serviceName, RATINGS.serviceName);
      case REVIEWS -> version.equals("v1") ? Set.of() : Set.of(RATINGS.serviceName);
      case DETAILS, RATINGS -> Set.of();
    };
  }

  /**
   * The kind named {@code name} ({@code productpage}, {@code details}, {@code reviews} or
   * {@code ratings}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static BookinfoKind of(String name) {
    for (BookinfoKind k : values()) {
      if (k.serviceName.equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown Bookinfo service '" + name
        + "' (one of productpage, details, reviews, ratings)");
  }
}
