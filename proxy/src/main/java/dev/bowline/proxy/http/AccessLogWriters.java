package dev.bowline.proxy.http;

import dev.bowline.proxy.config.AccessLogConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access-log files the proxy writes, one background writer per file however many connection
 * managers log to it, kept across configuration changes.
 *
 * <p>Thread-safe.
 */
public final class AccessLogWriters implements AutoCloseable {

  private final Map<String, AccessLogWriter> writers = new ConcurrentHashMap<>();

  /**
   * The access log for {@code configs}.
   *
   * @throws IllegalArgumentException naming a format operator that is not supported
   */
  AccessLog accessLog(List<AccessLogConfig> configs) {
    if (configs.isEmpty()) {
      return AccessLog.NONE;
    }
    List<AccessLog.Sink> sinks = new ArrayList<>();
    for (AccessLogConfig c : configs) {
      AccessLogFormat format =
          AccessLogFormat.compile(c.format().isEmpty() ? AccessLogFormat.ENVOY_DEFAULT : c.format());
      sinks.add(new AccessLog.Sink(format, writers.computeIfAbsent(c.path(), p -> new AccessLogWriter(Path.of(p)))));
    }
    return new AccessLog(sinks);
  }

  @Override
  public void close() {
    writers.values().forEach(AccessLogWriter::close);
  }
}
