package dev.bowline.kernel.pilot.xds;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * One gRPC port of the {@link XdsServer}: where it listens, its transport security, whether a
 * discovery call must come with a workload certificate ({@link ClientCertificateAuthenticator}),
 * and the other services served beside xDS on the same port (Citadel on Istio's 15012). Immutable.
 *
 * @param name what logs and {@link XdsServer#port(String)} call it
 * @param address where to listen; port 0 picks a free one
 * @param credentials plaintext, or TLS
 * @param requireClientCertificate whether discovery calls need a verified workload certificate
 * @param otherServices further services on this port
 */
public record XdsPort(
    String name,
    InetSocketAddress address,
    ServerCredentials credentials,
    boolean requireClientCertificate,
    List<ServerServiceDefinition> otherServices) {

  public XdsPort {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(credentials, "credentials");
    otherServices = List.copyOf(otherServices);
  }

  /** A plaintext port serving xDS alone, to anyone (Istio's 15010; local development). */
  public static XdsPort plaintext(String name, InetSocketAddress address) {
    return new XdsPort(name, address, InsecureServerCredentials.create(), false, List.of());
  }
}
