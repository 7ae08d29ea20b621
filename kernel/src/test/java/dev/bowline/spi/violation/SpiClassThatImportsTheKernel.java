package dev.bowline.spi.violation;

import dev.bowline.kernel.BowlineVersion;

/**
 * A deliberate layering violation, in test sources only: an spi class that uses a kernel class.
 * {@code ArchitectureTest} shows that the spi rule reports it.
 */
public final class SpiClassThatImportsTheKernel {

  private SpiClassThatImportsTheKernel() {}

  public static String version() {
    return BowlineVersion.current();
  }
}
