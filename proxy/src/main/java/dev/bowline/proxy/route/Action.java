package dev.bowline.proxy.route;

/**
 * What to do with a request whose route matched: one of Envoy's route actions. Implementations
 * are immutable and thread-safe.
 */
public sealed interface Action permits ForwardAction, RedirectAction, DirectResponseAction {}
