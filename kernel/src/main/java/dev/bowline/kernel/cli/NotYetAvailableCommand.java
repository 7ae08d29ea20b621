package dev.bowline.kernel.cli;

import dev.bowline.kernel.config.HostConfigException;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A launcher whose runtime is not part of this build yet. It still does what it can honestly do:
 * check its configuration and load the plugins it would run with, so an operator sees problems
 * early. Then it says it is not available and exits with {@link ExitCodes#NOT_AVAILABLE}.
 */
abstract class NotYetAvailableCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin HostOptions host;

  /** The command's name as users type it, such as {@code bowline proxy}. */
  abstract String displayName();

  @Override
  public Integer call() {
    try (PluginHost plugins = PluginHost.start(host.pluginHostConfig(), new MetricRegistry())) {
      long started = plugins.plugins().stream().filter(p -> p.state() == PluginState.STARTED).count();
      spec.commandLine()
          .getErr()
          .println(
              displayName() + ": configuration valid, " + started + " plugin(s) started; the "
                  + displayName() + " runtime is not available in this build yet.");
      return ExitCodes.NOT_AVAILABLE;
    } catch (HostConfigException e) {
      spec.commandLine().getErr().println(displayName() + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
  }
}
