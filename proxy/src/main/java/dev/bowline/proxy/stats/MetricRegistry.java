package dev.bowline.proxy.stats;

import dev.bowline.spi.plugin.PluginMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * The host's metrics, and the {@link PluginMetrics} that plugins register into, rendered in the
 * Prometheus text exposition format (version 0.0.4).
 *
 * <p><b>Threading.</b> Thread-safe. Counters are {@link LongAdder}s: updates are lock-free and
 * contention-friendly. Rendering reads a consistent-enough view without stopping writers.
 */
public final class MetricRegistry implements PluginMetrics {

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final ConcurrentMap<String, Family> families = new ConcurrentHashMap<>();

  @Override
  public Counter counter(String name, String help, Map<String, String> labels) {
    Family family = family(name, help, "counter");
    return (Counter)
        family.series.computeIfAbsent(labelText(labels), k -> new AdderCounter());
  }

  @Override
  public void gauge(String name, String help, Map<String, String> labels, DoubleSupplier value) {
    Family family = family(name, help, "gauge");
    family.series.put(labelText(labels), value);
  }

  /** Every metric in Prometheus text format, families sorted by name. */
  public String renderPrometheus() {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(families)
        .forEach(
            (name, family) -> {
              out.append("# HELP ").append(name).append(' ').append(escapeHelp(family.help)).append('\n');
              out.append("# TYPE ").append(name).append(' ').append(family.type).append('\n');
              new TreeMap<>(family.series)
                  .forEach(
                      (labels, series) -> {
                        out.append(name).append(labels).append(' ');
                        if (series instanceof AdderCounter c) {
                          out.append(c.value());
                        } else {
                          out.append(formatDouble(((DoubleSupplier) series).getAsDouble()));
                        }
                        out.append('\n');
                      });
            });
    return out.toString();
  }

  private Family family(String name, String help, String type) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is not a valid Prometheus metric name");
    }
    Family family = families.computeIfAbsent(name, n -> new Family(help, type));
    if (!family.type.equals(type)) {
      throw new IllegalArgumentException(
          "metric '" + name + "' is already registered as a " + family.type + ", not a " + type);
    }
    return family;
  }

  private static String labelText(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("{");
    new TreeMap<>(labels)
        .forEach(
            (k, v) -> {
              if (!LABEL_NAME.matcher(k).matches() || k.startsWith("__")) {
                throw new IllegalArgumentException("'" + k + "' is not a valid Prometheus label name");
              }
              if (out.length() > 1) {
                out.append(',');
              }
              out.append(k).append("=\"").append(escapeLabelValue(v)).append('"');
            });
    return out.append('}').toString();
  }

  private static String escapeLabelValue(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String formatDouble(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static final class Family {
    final String help;
    final String type;
    final ConcurrentMap<String, Object> series = new ConcurrentHashMap<>();

    Family(String help, String type) {
      this.help = help;
      this.type = type;
    }
  }

  private static final class AdderCounter implements Counter {
    private final LongAdder adder = new LongAdder();

    @Override
    public void add(long amount) {
      if (amount < 0) {
        throw new IllegalArgumentException("a counter cannot go down (add " + amount + ")");
      }
      adder.add(amount);
    }

    @Override
    public long value() {
      return adder.sum();
    }
  }
}
