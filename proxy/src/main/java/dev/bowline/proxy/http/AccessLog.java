package dev.bowline.proxy.http;

import java.util.List;

/**
 * The access logs of one connection manager: each finished request is formatted once per log and
 * handed to that log's background writer.
 *
 * <p><b>Threading.</b> {@link #log} runs on the request's event loop; writing happens elsewhere.
 */
final class AccessLog {

  /** One configured log: a compiled format and the writer of its file. */
  record Sink(AccessLogFormat format, AccessLogWriter writer) {}

  static final AccessLog NONE = new AccessLog(List.of());

  private final List<Sink> sinks;

  AccessLog(List<Sink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  void log(AccessLogFormat.Entry entry) {
    for (int i = 0; i < sinks.size(); i++) {
      Sink s = sinks.get(i);
      s.writer().offer(s.format().format(entry));
    }
  }
}
