package dev.bowline.proxy.upstream.health;

import dev.bowline.proxy.config.HealthCheckConfig.GrpcProbe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.time.Duration;

/**
 * gRPC's standard health check as Envoy's gRPC health checker sends it: {@code POST
 * /grpc.health.v1.Health/Check} with {@code content-type: application/grpc}, {@code te:
 * trailers}, a {@code grpc-timeout} of the check's timeout, and a {@code HealthCheckRequest} for
 * the configured service; {@code :authority} is the configured one, else the cluster's name. The
 * host passes only on {@code :status} 200, a gRPC content type, {@code grpc-status} 0 and a
 * single {@code HealthCheckResponse} saying {@code SERVING}; any other answer fails it at once.
 *
 * <p>Immutable.
 */
final class GrpcCheckExchange implements CheckExchange {

  static final String PATH = "/grpc.health.v1.Health/Check";

  /** The most response body kept: a health answer is a few bytes. */
  private static final int MAX_BODY_BYTES = 8192;

  private final GrpcProbe probe;
  private final String authority;
  private final String timeout;

  GrpcCheckExchange(GrpcProbe probe, String clusterName, Duration timeout) {
    this.probe = probe;
    this.authority = probe.authority().isEmpty() ? clusterName : probe.authority();
    this.timeout = Math.max(1, Math.min(99_999_999, timeout.toMillis())) + "m";
  }

  @Override
  public FullHttpRequest newRequest(ByteBufAllocator alloc) {
    ByteBuf body = GrpcHealthMessages.request(alloc, probe.serviceName());
    FullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, PATH, body);
    HttpHeaders h = request.headers();
    h.set(HttpHeaderNames.HOST, authority);
    h.set(HttpHeaderNames.CONTENT_TYPE, "application/grpc");
    h.set(HttpHeaderNames.TE, "trailers");
    h.set("grpc-timeout", timeout);
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return request;
  }

  @Override
  public ResponseJudge newJudge() {
    return new ResponseJudge() {
      private int status;
      private boolean grpcContent;
      private String headerGrpcStatus;
      private final ByteArrayOutputStream body = new ByteArrayOutputStream();
      private boolean tooLong;

      @Override
      public void head(HttpResponse response) {
        status = response.status().code();
        String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
        grpcContent = type != null && type.startsWith("application/grpc");
        headerGrpcStatus = response.headers().get("grpc-status");
      }

      @Override
      public void content(ByteBuf piece) {
        int n = piece.readableBytes();
        if (body.size() + n > MAX_BODY_BYTES) {
          tooLong = true;
          return;
        }
        byte[] bytes = new byte[n];
        piece.getBytes(piece.readerIndex(), bytes);
        body.writeBytes(bytes);
      }

      @Override
      public Verdict end(HttpHeaders trailers) {
        String grpcStatus = trailers.get("grpc-status", headerGrpcStatus);
        if (status != 200 || !grpcContent || !"0".equals(grpcStatus) || tooLong) {
          return Verdict.FAIL;
        }
        return GrpcHealthMessages.servingStatus(Unpooled.wrappedBuffer(body.toByteArray()))
                == GrpcHealthMessages.SERVING
            ? Verdict.PASS
            : Verdict.FAIL;
      }
    };
  }
}
