package dev.bowline.proxy.config;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StderrAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.connection_limit.v3.ConnectionLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.Optional;

/**
 * The {@code typed_config} message types Bowline understands, as the {@link JsonFormat.TypeRegistry}
 * that resolves {@code "@type"} in a bootstrap, plus helpers to open a {@code google.protobuf.Any}.
 *
 * <p>The registry also holds every message type those types depend on (that is how protobuf's
 * registry works), so a supported-but-misplaced type parses and is then reported by the
 * supported-subset validation with its path. Stateless and thread-safe.
 */
final class EnvoyTypes {

  /** The extension name Envoy uses as the key of {@code typed_extension_protocol_options}. */
  static final String UPSTREAM_HTTP_PROTOCOL_OPTIONS_KEY =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  static final JsonFormat.TypeRegistry REGISTRY = registry().build();

  /** A builder of {@link #REGISTRY}, to which more types may be added. */
  static JsonFormat.TypeRegistry.Builder registry() {
    return JsonFormat.TypeRegistry.newBuilder()
        .add(HttpConnectionManager.getDescriptor())
        .add(Router.getDescriptor())
        .add(HTTPFault.getDescriptor())
        .add(Cors.getDescriptor()) // and CorsPolicy, the per-route config, from the same file
        .add(LocalRateLimit.getDescriptor())
        .add(TcpProxy.getDescriptor())
        .add(ConnectionLimit.getDescriptor())
        .add(DownstreamTlsContext.getDescriptor())
        .add(UpstreamTlsContext.getDescriptor())
        .add(HttpProtocolOptions.getDescriptor())
        .add(FileAccessLog.getDescriptor())
        .add(StdoutAccessLog.getDescriptor())
        .add(StderrAccessLog.getDescriptor())
        .add(TlsInspector.getDescriptor())
        .add(
            io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate
                .getDescriptor())
        .add(com.github.xds.type.v3.TypedStruct.getDescriptor())
        .add(com.github.udpa.udpa.type.v1.TypedStruct.getDescriptor())
        .add(Struct.getDescriptor());
  }

  private EnvoyTypes() {}

  /** The full message name in a type URL such as {@code type.googleapis.com/a.b.C}. */
  static String typeName(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
  }

  /** The descriptor of the type a type URL names, when the registry knows it. */
  static Optional<Descriptor> descriptor(String typeUrl) {
    return Optional.ofNullable(REGISTRY.find(typeName(typeUrl)));
  }

  /** Whether a message is a {@code google.protobuf.Any} (generated or dynamic). */
  static boolean isAny(Descriptor type) {
    return type.getFullName().equals(Any.getDescriptor().getFullName());
  }

  /** A message known to be an Any, as the generated {@link Any}. */
  static Any asAny(Message message) {
    if (message instanceof Any any) {
      return any;
    }
    try {
      return Any.parseFrom(message.toByteString());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("not an Any: " + message.getDescriptorForType(), e);
    }
  }

  /**
   * Well-known types that hold a single value (durations, wrappers, structs): their inner fields
   * ({@code seconds}, {@code value}) are not paths a user writes.
   */
  static boolean isValueType(Descriptor type) {
    return type.getFile().getPackage().equals("google.protobuf") && !isAny(type);
  }
}
