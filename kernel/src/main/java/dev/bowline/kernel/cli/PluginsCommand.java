package dev.bowline.kernel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bowline.kernel.BowlineVersion;
import dev.bowline.kernel.config.HostConfigException;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.kernel.plugin.ExtensionInfo;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.kernel.plugin.PluginStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bowlinectl plugins}: loads every plugin of the plugins directory as the control plane
 * would, and lists each with its id, version, state (STARTED, DISABLED, FAILED), the reason of a
 * failure, and the extensions it contributes. Exits with {@link ExitCodes#DEGRADED} when a plugin
 * failed.
 */
@Command(
    name = "plugins",
    mixinStandardHelpOptions = true,
    description = {
      "List the plugins in the plugins directory: id, version, state, extensions and why any failed.",
      "Exit code 3 when at least one plugin FAILED."
    })
final class PluginsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin HostOptions host;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      defaultValue = "table")
  OutputFormat output;

  enum OutputFormat {
    table,
    json
  }

  @Override
  public Integer call() throws Exception {
    PluginHostConfig config;
    try {
      config = host.pluginHostConfig();
    } catch (HostConfigException e) {
      spec.commandLine().getErr().println("bowlinectl plugins: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    PrintWriter out = spec.commandLine().getOut();
    try (PluginHost plugins = PluginHost.start(config, new MetricRegistry())) {
      if (output == OutputFormat.json) {
        out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(jsonView(config, plugins.plugins())));
      } else {
        printTable(out, config, plugins.plugins());
      }
      out.flush();
      return plugins.hasFailures() ? ExitCodes.DEGRADED : ExitCodes.OK;
    }
  }

  private static Map<String, Object> jsonView(PluginHostConfig config, List<PluginStatus> statuses) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("bowlineVersion", BowlineVersion.current());
    root.put("pluginsDir", config.pluginsDir().toString());
    List<Map<String, Object>> plugins = new ArrayList<>();
    for (PluginStatus s : statuses) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("id", s.id());
      p.put("version", s.version());
      p.put("state", s.state().name());
      p.put("reason", s.reason());
      p.put("path", s.path().toString());
      p.put("description", s.description());
      p.put("extensions", s.extensions());
      plugins.add(p);
    }
    root.put("plugins", plugins);
    return root;
  }

  private static void printTable(PrintWriter out, PluginHostConfig config, List<PluginStatus> statuses) {
    if (statuses.isEmpty()) {
      out.println("No plugins in " + config.pluginsDir());
      return;
    }
    TextTable table = new TextTable("ID", "VERSION", "STATE", "EXTENSIONS", "REASON");
    for (PluginStatus s : statuses) {
      table.row(
          s.id(),
          s.version(),
          s.state().name(),
          s.extensions().stream().map(PluginsCommand::describe).collect(Collectors.joining(", ")),
          s.reason());
    }
    table.print(out);
  }

  private static String describe(ExtensionInfo e) {
    return e.point() + " " + e.name() + (e.available() ? "" : " (unavailable)");
  }
}
