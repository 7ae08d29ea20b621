package dev.bowline.kernel.proxy;

import dev.bowline.proxy.identity.CitadelCertificateSource;
import dev.bowline.proxy.identity.CitadelRootsToBundle;
import dev.bowline.proxy.identity.ControlPlaneTls;
import dev.bowline.proxy.identity.RootChangeRenewal;
import dev.bowline.proxy.identity.WorkloadIdentity;
import dev.bowline.proxy.identity.WorkloadSecrets;
import io.grpc.ChannelCredentials;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The workload identity of a process that joined the mesh with {@link JoinCredentials} (a sidecar,
 * a gateway, the agent of a proxyless application): its {@link WorkloadSecrets} start with the
 * given roots; the certificate comes from Citadel (with the join token the first time, then with
 * the certificate held), naming the xDS node it serves; roots Citadel vouches for join the bundle;
 * the certificate is renewed soon after the bundle's signing root changes (a root rotation); and
 * the {@code --ca-root} file, if any, follows the bundle. The control plane channel's credentials
 * read the secrets at every handshake.
 *
 * <p><b>Threading.</b> Renewals and file writes run on one thread of its own; accessors are
 * thread-safe.
 */
public final class JoinedIdentity implements AutoCloseable {

  private final WorkloadSecrets secrets;
  private final ChannelCredentials credentials;
  private final ScheduledExecutorService thread;
  private final WorkloadIdentity identity;

  private JoinedIdentity(WorkloadSecrets secrets, ChannelCredentials credentials, ScheduledExecutorService thread,
      WorkloadIdentity identity) {
    this.secrets = secrets;
    this.credentials = credentials;
    this.thread = thread;
    this.identity = identity;
  }

  /**
   * Starts: the first certificate request goes out at once.
   *
   * @param secrets where the certificate and bundle go (empty: the roots of {@code join} are
   *     installed first)
   * @param controlPlane Citadel's {@code host:port}, the control plane's mutual TLS port
   * @param nodeId the xDS node this identity serves, told to Citadel
   */
  public static JoinedIdentity start(JoinCredentials join, WorkloadSecrets secrets, String controlPlane,
      String nodeId) {
    secrets.installTrustBundle(join.caRoots());
    ChannelCredentials credentials = ControlPlaneTls.channelCredentials(secrets, join.trustDomain());
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bowline-identity");
      t.setDaemon(true);
      return t;
    });
    WorkloadIdentity identity = WorkloadIdentity.start(
        new CitadelRootsToBundle(
            new CitadelCertificateSource(controlPlane, credentials, join.joinToken(), Duration.ZERO,
                Optional.of(nodeId)),
            secrets),
        thread, Clock.systemUTC(), secrets::installCertificate);
    RootChangeRenewal.install(secrets, identity, RootChangeRenewal.DEFAULT_SPREAD);
    join.caRootFile().ifPresent(file -> TrustBundleFile.follow(file, join.caRoots(), secrets, thread));
    return new JoinedIdentity(secrets, credentials, thread, identity);
  }

  /** The certificate and bundle held. */
  public WorkloadSecrets secrets() {
    return secrets;
  }

  /** Credentials for channels to the control plane's mutual TLS port. */
  public ChannelCredentials credentials() {
    return credentials;
  }

  /** The certificate kept current. */
  public WorkloadIdentity identity() {
    return identity;
  }

  /** Stops renewing. The secrets stay readable. */
  @Override
  public void close() {
    identity.close();
    thread.shutdownNow();
  }
}
