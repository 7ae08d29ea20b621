package dev.bowline.kernel.citadel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.controlplane.ControlPlane;
import dev.bowline.kernel.controlplane.RatingsUnderLoad;
import dev.bowline.kernel.controlplane.SecureControlPlane;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.proxy.ProxyRuntime;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's rotation acceptance, end to end with two-minute workload certificates: two joined
 * sidecars under continuous load over STRICT mutual TLS (new upstream handshakes every few
 * requests) go through at least three renewals each, then the control plane, Citadel with it, is
 * down for 48 s (40% of a lifetime) across a renewal; no request fails, and both proxies renew
 * again once it is back.
 */
class RotationUnderLoadTest {

  private static final Duration LIFETIME = Duration.ofMinutes(2);

  @TempDir Path dir;
  private SecureControlPlane secure;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    if (secure != null) {
      secure.close();
    }
  }

  @Test
  void threeRotationsAndACitadelOutageLoseNoRequest() throws Exception {
    secure = SecureControlPlane.start(dir, Map.of("defaultTtl", LIFETIME.toSeconds() + "s"));
    ControlPlane controlPlane = secure.controlPlane();
    PluginHost plugins = secure.plugins();
    RatingsUnderLoad mesh = RatingsUnderLoad.start(controlPlane, plugins);
    toClose.add(mesh);
    ProxyRuntime ratings = mesh.ratings();
    ProxyRuntime sleep = mesh.sleep();

    // Continuous load, and the serial numbers each proxy has held.
    Set<BigInteger> ratingsSerials = ConcurrentHashMap.newKeySet();
    Set<BigInteger> sleepSerials = ConcurrentHashMap.newKeySet();
    long[] lastRatingsRenewal = {System.nanoTime()};
    mesh.startLoad(Duration.ofMillis(20), () -> {
      if (ratingsSerials.add(serial(ratings))) {
        lastRatingsRenewal[0] = System.nanoTime();
      }
      sleepSerials.add(serial(sleep));
    });

    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() ->
        ratingsSerials.size() >= 4 && sleepSerials.size() >= 4);
    assertThat(mesh.failures()).as("requests failed during three rotations").isEmpty();

    // Citadel down for 40% of a lifetime, across the next renewal of ratings' certificate.
    long renewedAt = lastRatingsRenewal[0];
    long outageStart = renewedAt + LIFETIME.toNanos() / 4;
    Thread.sleep(Math.max(0, (outageStart - System.nanoTime()) / 1_000_000));
    int before = ratingsSerials.size();
    int sleepBefore = sleepSerials.size();
    secure.stopControlPlane();
    Thread.sleep(LIFETIME.toMillis() * 4 / 10);
    assertThat(ratingsSerials).as("no certificate was issued while Citadel was down").hasSize(before);
    secure.startControlPlane();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
        ratingsSerials.size() > before && sleepSerials.size() > sleepBefore);

    mesh.stopLoad();
    assertThat(mesh.failures()).as("requests failed (of %d that succeeded)", mesh.succeeded()).isEmpty();
    assertThat(mesh.succeeded()).as("requests served under load").isGreaterThan(1000);
  }

  private static BigInteger serial(ProxyRuntime proxy) {
    return proxy.workloadSecrets().orElseThrow().certificate().orElseThrow().leaf().getSerialNumber();
  }
}
