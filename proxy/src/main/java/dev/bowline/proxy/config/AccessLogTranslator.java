package dev.bowline.proxy.config;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StderrAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;

/**
 * Translates an access log ({@code envoy.access_loggers.file}, {@code .stdout}, {@code .stderr})
 * into an {@link AccessLogConfig}: a file path and a text format, empty for Envoy's default format.
 * The type of {@code typed_config} decides, as in Envoy; the name is informational. Stateless.
 */
final class AccessLogTranslator {

  private AccessLogTranslator() {}

  /** The access log, or null after reporting problems (or when the type is reported elsewhere). */
  @SuppressWarnings("deprecation") // legacy Envoy fields, accepted on purpose
  static AccessLogConfig translate(AccessLog log, String path, Problems problems) {
    String configPath = Problems.join(path, "typed_config");
    if (!log.hasTypedConfig()) {
      problems.add(configPath, "required (a FileAccessLog, StdoutAccessLog or StderrAccessLog)");
      return null;
    }
    Any config = log.getTypedConfig();
    try {
      if (config.is(FileAccessLog.class)) {
        FileAccessLog file = config.unpack(FileAccessLog.class);
        if (file.getPath().isEmpty()) {
          problems.add(Problems.join(configPath, "path"), "required");
          return null;
        }
        String format =
            file.getAccessLogFormatCase() == FileAccessLog.AccessLogFormatCase.FORMAT
                ? file.getFormat()
                : format(file.getLogFormat());
        return new AccessLogConfig(file.getPath(), format);
      }
      if (config.is(StdoutAccessLog.class)) {
        return new AccessLogConfig(
            "/dev/stdout", format(config.unpack(StdoutAccessLog.class).getLogFormat()));
      }
      if (config.is(StderrAccessLog.class)) {
        return new AccessLogConfig(
            "/dev/stderr", format(config.unpack(StderrAccessLog.class).getLogFormat()));
      }
    } catch (InvalidProtocolBufferException e) {
      problems.add(configPath, "cannot decode: " + e.getMessage());
    }
    return null; // another type: reported by the supported-subset check
  }

  @SuppressWarnings("deprecation") // legacy Envoy fields, accepted on purpose
  private static String format(SubstitutionFormatString format) {
    switch (format.getFormatCase()) {
      case TEXT_FORMAT:
        return format.getTextFormat();
      case TEXT_FORMAT_SOURCE:
        return format.getTextFormatSource().getInlineString();
      default:
        return "";
    }
  }
}
