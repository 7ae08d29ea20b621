package dev.bowline.kernel.demo.bookinfo;

import java.util.List;

/**
 * A book of the productpage's catalog (the original has one). Immutable.
 *
 * @param id the product id, what details, reviews and ratings are asked for
 * @param title the title
 * @param descriptionHtml the summary, trusted HTML
 */
record Product(int id, String title, String descriptionHtml) {

  /** The catalog. */
  static final List<Product> ALL = List.of(new Product(0, "The Comedy of Errors",
      "<a href=\"https://en.wikipedia.org/wiki/The_Comedy_of_Errors\">Wikipedia Summary</a>: "
          + "The Comedy of Errors is one of <b>William Shakespeare's</b> early plays. It is his "
          + "shortest and one of his most farcical comedies, with a major part of the humour "
          + "coming from slapstick and mistaken identity, in addition to puns and word play."));
}
