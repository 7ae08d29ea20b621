package dev.bowline.kernel.controlplane;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC server on {@code 127.0.0.1} (port chosen by the system) whose one unary method,
 * {@code bowline.test.Identity/Who}, answers with the server's own name, so that a test can see
 * which backend a call reached. Messages are plain UTF-8 strings: no generated code is needed.
 *
 * <p>Threading: {@link #who} may be called from any thread; {@link #close} once.
 */
public final class IdentityBackend implements AutoCloseable {

  /** The method every backend serves: request ignored, response the backend's name. */
  public static final MethodDescriptor<String, String> WHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName("bowline.test.Identity", "Who"))
          .setRequestMarshaller(Utf8Marshaller.INSTANCE)
          .setResponseMarshaller(Utf8Marshaller.INSTANCE)
          .build();

  private final String name;
  private final Server server;

  private IdentityBackend(String name, Server server) {
    this.name = name;
    this.server = server;
  }

  /** Starts a backend that answers {@code name}. */
  public static IdentityBackend start(String name) throws IOException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("bowline.test.Identity")
            .addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
              response.onNext(name);
              response.onCompleted();
            }))
            .build();
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
            .addService(service)
            .build()
            .start();
    return new IdentityBackend(name, server);
  }

  /** Calls {@code Who} on {@code channel} and returns the name of the backend that answered. */
  public static String who(Channel channel, CallOptions options) {
    return ClientCalls.blockingUnaryCall(channel, WHO, options, "");
  }

  /** The name this backend answers with. */
  public String name() {
    return name;
  }

  /** The port it listens on. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** UTF-8 text as a gRPC message. */
  private enum Utf8Marshaller implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
