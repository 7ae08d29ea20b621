package dev.bowline.kernel.api;

import java.io.IOException;

/**
 * A group of API endpoints. {@link #handle} answers the request and returns true when the path is
 * one of its own, else returns false without touching the exchange. Implementations are
 * thread-safe.
 */
interface ApiRoute {

  boolean handle(ApiExchange exchange) throws IOException;
}
