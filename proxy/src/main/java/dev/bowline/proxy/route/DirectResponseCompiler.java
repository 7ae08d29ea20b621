package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import java.nio.charset.StandardCharsets;

/** Compiles a route's {@code direct_response} action into a {@link DirectResponseAction}. */
final class DirectResponseCompiler {

  private static final FieldAllowlist DIRECT_RESPONSE =
      FieldAllowlist.of(
          io.envoyproxy.envoy.config.route.v3.DirectResponseAction.getDescriptor(),
          "status",
          "body");
  private static final FieldAllowlist DATA_SOURCE =
      FieldAllowlist.of(DataSource.getDescriptor(), "inline_string", "inline_bytes");

  private final Problems problems;
  private final int maxBodyBytes;

  /** @param maxBodyBytes the largest body allowed ({@code max_direct_response_body_size_bytes}) */
  DirectResponseCompiler(Problems problems, int maxBodyBytes) {
    this.problems = problems;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The action, or {@code null} if it has a problem (reported). */
  DirectResponseAction compile(
      io.envoyproxy.envoy.config.route.v3.DirectResponseAction response, String path) {
    int before = problems.size();
    DIRECT_RESPONSE.check(response, path, problems);
    int status = response.getStatus();
    if (status < 200 || status > 599) {
      problems.add(Problems.join(path, "status"), "must be between 200 and 599");
    }
    byte[] body = new byte[0];
    if (response.hasBody()) {
      String bodyPath = Problems.join(path, "body");
      DataSource source = response.getBody();
      DATA_SOURCE.check(source, bodyPath, problems);
      switch (source.getSpecifierCase()) {
        case INLINE_STRING:
          body = source.getInlineString().getBytes(StandardCharsets.UTF_8);
          break;
        case INLINE_BYTES:
          body = source.getInlineBytes().toByteArray();
          break;
        case SPECIFIER_NOT_SET:
          problems.add(bodyPath, "one of inline_string or inline_bytes is required");
          break;
        default:
          break; // an unsupported source, already reported
      }
      if (body.length > maxBodyBytes) {
        problems.add(
            bodyPath,
            "is "
                + body.length
                + " bytes, more than max_direct_response_body_size_bytes ("
                + maxBodyBytes
                + ")");
      }
    }
    if (problems.size() != before) {
      return null;
    }
    return new DirectResponseAction(status, body);
  }
}
