package dev.bowline.kernel.cli;

import dev.bowline.kernel.BowlineVersion;
import picocli.CommandLine.IVersionProvider;

/** Supplies {@code --version} for the launchers. */
final class BowlineVersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {"bowline " + BowlineVersion.current()};
  }
}
