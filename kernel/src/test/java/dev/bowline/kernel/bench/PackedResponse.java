package dev.bowline.kernel.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a simulated proxy needs of a {@code DiscoveryResponse}, read from its wire form: the
 * version, type URL and nonce, and each resource's packed value as a view into the received bytes
 * (no copy, and no {@code Any} objects). A real proxy decodes every response, on its own machine;
 * the 200 simulated ones share the control plane's cores and heap, so they read only this. The
 * bytes on the wire are the server's, unchanged: {@link #ADS} only reads them differently.
 * Immutable.
 *
 * @param version {@code version_info} (field 1)
 * @param typeUrl {@code type_url} (field 4)
 * @param nonce {@code nonce} (field 5)
 * @param values the {@code value} (field 2) of each {@code Any} in {@code resources} (field 2)
 * @param size the response's size on the wire, in bytes
 */
record PackedResponse(
    String version, String typeUrl, String nonce, List<ByteString> values, int size) {

  private static final int VERSION = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int RESOURCES = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int TYPE_URL = tag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int NONCE = tag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int ANY_VALUE = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);

  /** Envoy's ADS method, with responses read as {@code PackedResponse}. */
  static final MethodDescriptor<DiscoveryRequest, PackedResponse> ADS =
      AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().toBuilder(
              ProtoUtils.marshaller(DiscoveryRequest.getDefaultInstance()), new Reader())
          .build();

  /** Reads a serialized {@code DiscoveryResponse}. */
  static PackedResponse of(byte[] bytes) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.enableAliasing(true); // values are views into bytes
      String version = "";
      String typeUrl = "";
      String nonce = "";
      List<ByteString> values = new ArrayList<>();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == VERSION) {
          version = in.readStringRequireUtf8();
        } else if (tag == RESOURCES) {
          values.add(anyValue(in));
        } else if (tag == TYPE_URL) {
          typeUrl = in.readStringRequireUtf8();
        } else if (tag == NONCE) {
          nonce = in.readStringRequireUtf8();
        } else {
          in.skipField(tag);
        }
      }
      return new PackedResponse(version, typeUrl, nonce, values, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException("malformed DiscoveryResponse", e);
    }
  }

  private static ByteString anyValue(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    ByteString value = ByteString.EMPTY;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == ANY_VALUE) {
        value = in.readBytes();
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return value;
  }

  private static int tag(int field, int wireType) {
    return (field << 3) | wireType;
  }

  /** Reads a whole response off the stream, then {@link #of}. */
  private static final class Reader implements MethodDescriptor.Marshaller<PackedResponse> {
    @Override
    public InputStream stream(PackedResponse value) {
      throw new UnsupportedOperationException("a simulated proxy only receives responses");
    }

    @Override
    public PackedResponse parse(InputStream stream) {
      try {
        byte[] bytes;
        if (stream instanceof KnownLength) { // gRPC's message streams: one array of that size
          bytes = new byte[stream.available()];
          if (stream.readNBytes(bytes, 0, bytes.length) != bytes.length) {
            throw new IOException("the stream ended early");
          }
        } else {
          bytes = stream.readAllBytes();
        }
        return of(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException("reading a DiscoveryResponse", e);
      }
    }
  }
}
