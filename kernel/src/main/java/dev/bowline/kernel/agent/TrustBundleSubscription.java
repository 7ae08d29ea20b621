package dev.bowline.kernel.agent;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import dev.bowline.proxy.identity.TrustBundleSecrets;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.xds.XdsResourceType;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own subscription to the trust bundle, Istio's SDS secret {@value
 * WorkloadSecrets#TRUST_BUNDLE}, on one upstream ADS stream: the request that subscribes, and the
 * answer to each {@code Secret} response. An accepted bundle ({@code
 * validation_context.trusted_ca.inline_bytes}, one or more PEM roots) is installed into the
 * agent's {@link WorkloadSecrets} and acknowledged with the response's version and nonce; a
 * response that is not that ({@code Secret} of another name, another data source, bytes that are
 * not certificates) is rejected with {@code error_detail} and the bundle held is kept. The control
 * plane thereby counts the agent among the clients that hold its roots during a rotation.
 *
 * <p><b>Threading.</b> Not thread-safe: one instance per upstream stream, called under that
 * stream's lock.
 */
public final class TrustBundleSubscription {

  private static final Logger log = LoggerFactory.getLogger(TrustBundleSubscription.class);

  /** The type URL of SDS secrets. */
  public static final String TYPE_URL = XdsResourceType.SECRET.typeUrl();

  private final WorkloadSecrets secrets;
  private String acceptedVersion = "";

  public TrustBundleSubscription(WorkloadSecrets secrets) {
    this.secrets = Objects.requireNonNull(secrets, "secrets");
  }

  /** The request that subscribes to the trust bundle (the stream's node went in its first request). */
  public DiscoveryRequest subscription() {
    return DiscoveryRequest.newBuilder()
        .setTypeUrl(TYPE_URL)
        .addResourceNames(WorkloadSecrets.TRUST_BUNDLE)
        .build();
  }

  /** Whether {@code response} is an SDS response, which the agent answers itself. */
  public static boolean isSecret(DiscoveryResponse response) {
    return TYPE_URL.equals(response.getTypeUrl());
  }

  /**
   * Takes a {@code Secret} response: installs the bundle it carries when it is valid and differs
   * from the one held; returns the acknowledgement or the rejection to send upstream.
   */
  public DiscoveryRequest answer(DiscoveryResponse response) {
    DiscoveryRequest.Builder answer = subscription().toBuilder().setResponseNonce(response.getNonce());
    List<X509Certificate> roots;
    try {
      roots = roots(response.getResourcesList());
    } catch (IllegalArgumentException e) {
      log.warn("rejected the trust bundle {} (version {}): {}; keeping the one held",
          WorkloadSecrets.TRUST_BUNDLE, response.getVersionInfo(), e.getMessage());
      return answer.setVersionInfo(acceptedVersion)
          .setErrorDetail(com.google.rpc.Status.newBuilder()
              .setCode(Code.INVALID_ARGUMENT_VALUE)
              .setMessage(e.getMessage()))
          .build();
    }
    if (!roots.isEmpty() && !roots.equals(secrets.trustBundle())) {
      secrets.installTrustBundle(roots);
      log.info("trust bundle {} version {} installed: {} root(s)", WorkloadSecrets.TRUST_BUNDLE,
          response.getVersionInfo(), roots.size());
    }
    acceptedVersion = response.getVersionInfo();
    return answer.setVersionInfo(acceptedVersion).build();
  }

  /**
   * The roots of the response's resources; empty when the control plane sends none (the bundle
   * held is kept).
   *
   * @throws IllegalArgumentException naming the resource and field that is wrong
   */
  static List<X509Certificate> roots(List<Any> resources) {
    List<X509Certificate> roots = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      Any any = resources.get(i);
      String path = "resources[" + i + "]";
      if (!TYPE_URL.equals(any.getTypeUrl())) {
        throw new IllegalArgumentException(path + ": type " + any.getTypeUrl() + ", expected " + TYPE_URL);
      }
      Secret secret;
      try {
        secret = any.unpack(Secret.class);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException(path + ": not a Secret: " + e.getMessage());
      }
      try {
        roots.addAll(TrustBundleSecrets.roots(secret));
      } catch (TrustBundleSecrets.InvalidException e) {
        throw new IllegalArgumentException(path + "." + e.field() + ": " + e.getMessage());
      }
    }
    return List.copyOf(roots);
  }
}
