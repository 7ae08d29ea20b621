package dev.bowline.proxy.http;

/**
 * Fired through every open connection's pipeline when the proxy starts draining: HTTP/1.1
 * connections close when idle and answer in-flight requests with {@code Connection: close};
 * HTTP/2 connections send GOAWAY.
 */
public final class DrainEvent {

  /** The one instance. */
  public static final DrainEvent INSTANCE = new DrainEvent();

  private DrainEvent() {}
}
