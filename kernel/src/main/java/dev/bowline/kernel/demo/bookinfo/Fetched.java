package dev.bowline.kernel.demo.bookinfo;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the productpage got from a service for one product, as the original keeps it: the status
 * (the service's, or 500 when there was no usable answer) and the JSON to show, the service's or
 * {@code {"error": "Sorry, product ... are currently unavailable for this book."}}. Immutable by
 * convention: the JSON is not changed once fetched.
 */
record Fetched(int status, JsonNode body) {

  boolean ok() {
    return status == 200;
  }
}
