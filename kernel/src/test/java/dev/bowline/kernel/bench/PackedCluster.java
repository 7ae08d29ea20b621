package dev.bowline.kernel.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a simulated proxy needs of a packed {@code Cluster}, read from its wire form without
 * decoding the rest: the name (field 1), whether its discovery type (field 2) is EDS, and the EDS
 * service name ({@code eds_cluster_config}, field 3, its field 2). A real proxy decodes every
 * cluster, on its own machine; the 200 simulated ones share the control plane's cores, so they read
 * only this, like {@link ResourceNameReader}. Immutable.
 *
 * <p>Names stay in their UTF-8 wire form: the proxy sends them back as they came.
 *
 * @param name the cluster's name
 * @param eds whether it is an EDS cluster
 * @param edsServiceName the name to subscribe to for its endpoints (the service name, else the
 *     cluster's name)
 */
record PackedCluster(ByteString name, boolean eds, ByteString edsServiceName) {

  private static final int NAME = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int TYPE = (2 << 3) | WireFormat.WIRETYPE_VARINT;
  private static final int EDS_CONFIG = (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int SERVICE_NAME = (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /** Reads a serialized {@code Cluster}. */
  static PackedCluster of(ByteString value) {
    try {
      CodedInputStream in = value.newCodedInput();
      ByteString name = ByteString.EMPTY;
      int type = Cluster.DiscoveryType.STATIC_VALUE;
      ByteString serviceName = ByteString.EMPTY;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag) {
          case NAME -> name = in.readBytes();
          case TYPE -> type = in.readEnum();
          case EDS_CONFIG -> serviceName = serviceName(in.readBytes());
          default -> in.skipField(tag);
        }
      }
      boolean eds = type == Cluster.DiscoveryType.EDS_VALUE;
      return new PackedCluster(name, eds, serviceName.isEmpty() ? name : serviceName);
    } catch (IOException e) {
      throw new UncheckedIOException("malformed cluster", e);
    }
  }

  private static ByteString serviceName(ByteString edsConfig) throws IOException {
    CodedInputStream in = edsConfig.newCodedInput();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == SERVICE_NAME) {
        return in.readBytes();
      }
      in.skipField(tag);
    }
    return ByteString.EMPTY;
  }
}
