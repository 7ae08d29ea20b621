package dev.bowline.kernel.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the grpc-java xDS bootstrap of a proxyless application that reaches the control plane
 * through its agent: one xDS server, the agent's loopback address, plaintext ({@code insecure}
 * channel credentials), xDS v3; and the application's node. The application runs with {@code
 * GRPC_XDS_BOOTSTRAP=<file>}.
 *
 * <pre>{@code
 * {"xds_servers": [{"server_uri": "127.0.0.1:15010", "channel_creds": [{"type": "insecure"}],
 *                   "server_features": ["xds_v3"]}],
 *  "node": {"id": "orders-1", "metadata": {"NAMESPACE": "default", "SERVICE_ACCOUNT": "orders",
 *                                          "LABELS": {"app": "orders"}}}}
 * }</pre>
 *
 * <p>The file holds no secret; it is readable by all (the application may run as another user)
 * and replaced atomically, so an application starting meanwhile reads the old file or the new one,
 * never half of one. Stateless.
 */
public final class GrpcBootstrapFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  private GrpcBootstrapFile() {}

  /** The bootstrap of {@code node} whose xDS server is the agent at {@code agent}. */
  public static String json(InetSocketAddress agent, ProxylessNode node) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode server = root.putArray("xds_servers").addObject();
    server.put("server_uri", hostPort(agent));
    server.putArray("channel_creds").addObject().put("type", "insecure");
    server.putArray("server_features").add("xds_v3");
    ObjectNode n = root.putObject("node");
    n.put("id", node.id());
    ObjectNode metadata = n.putObject("metadata");
    metadata.put("NAMESPACE", node.namespace());
    node.serviceAccount().ifPresent(sa -> metadata.put("SERVICE_ACCOUNT", sa));
    if (!node.labels().isEmpty()) {
      ObjectNode labels = metadata.putObject("LABELS");
      node.labels().entrySet().stream()
          .sorted(java.util.Map.Entry.comparingByKey())
          .forEach(e -> labels.put(e.getKey(), e.getValue()));
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree could not be printed", e);
    }
  }

  /**
   * Writes {@link #json} to {@code file}, replacing it atomically.
   *
   * @throws IOException when the file or its temporary sibling cannot be written
   */
  public static void write(Path file, InetSocketAddress agent, ProxylessNode node) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(temp, json(agent, node));
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** {@code host:port} as a gRPC target writes it ({@code [::1]:15010} for IPv6). */
  static String hostPort(InetSocketAddress address) {
    String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
