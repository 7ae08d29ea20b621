package dev.bowline.kernel.pilot.istio;

/** Istio's {@code PortSelector}: a port number, 0 when unset. */
public record PortSelector(int number) {}
