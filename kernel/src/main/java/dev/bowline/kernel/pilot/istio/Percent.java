package dev.bowline.kernel.pilot.istio;

/** Istio's {@code Percent}: a percentage from 0 to 100, fractions allowed. */
public record Percent(double value) {}
