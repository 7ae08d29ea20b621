package dev.bowline.proxy.config;

import java.util.Objects;

/**
 * One access log: a file (or {@code /dev/stdout}, {@code /dev/stderr}) and an Envoy format string
 * (such as {@code [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%"
 * %RESPONSE_CODE% %RESPONSE_FLAGS% ...}); empty means Envoy's default format.
 *
 * @param path where lines go
 * @param format the format string, or empty for the default
 */
public record AccessLogConfig(String path, String format) {

  public AccessLogConfig {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(format, "format");
  }
}
