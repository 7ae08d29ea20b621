package dev.bowline.plugins.ca.selfsigned;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootRotationConcurrencyTest {

  private static final int SIGNERS = 3;
  private static final int CYCLES = 2;

  @TempDir Path dir;

  /**
   * Signers sign and then read the trust bundle in a loop while the steps of two rotations run.
   * Before each step the test waits until every signer has finished a signature begun after the
   * previous step, so between a signature and the bundle read after it at most one step happens;
   * a chain made before a step verifies against the bundle after it (that is the point of the
   * phases), so every chain must verify against the bundle read after it.
   */
  @Test
  void signaturesDuringStepsAlwaysVerifyAgainstTheBundleReadRightAfter() throws Exception {
    RotatingCa ca = RotatingCa.start(dir, true);
    List<Runnable> steps = new ArrayList<>();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      steps.add(step(ca.rotation()::prepare));
      steps.add(step(ca.rotation()::activate));
      steps.add(step(ca.rotation()::retire));
    }
    List<CountDownLatch> finishedAfterStep = new ArrayList<>();
    for (int step = 0; step <= steps.size(); step++) {
      finishedAfterStep.add(new CountDownLatch(SIGNERS));
    }
    AtomicInteger stepsDone = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger signatures = new AtomicInteger();
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(SIGNERS);
    try {
      List<Future<?>> signers = new ArrayList<>();
      for (int i = 0; i < SIGNERS; i++) {
        signers.add(
            pool.submit(
                () -> {
                  byte[] csr = TestPki.csr(TestPki.ec());
                  int reported = -1;
                  while (!stop.get()) {
                    int seen = stepsDone.get();
                    try {
                      List<X509Certificate> chain =
                          ca.ca().sign(csr, RotatingCa.REVIEWS, Duration.ofHours(1));
                      List<X509Certificate> bundle = ca.ca().trustBundle();
                      if (!RotatingCa.validates(chain, bundle)) {
                        failures.add("a chain signed after step " + seen + " does not verify");
                      }
                      signatures.incrementAndGet();
                    } catch (Exception e) {
                      failures.add("signing after step " + seen + " failed: " + e);
                    }
                    for (int step = reported + 1; step <= seen; step++) {
                      finishedAfterStep.get(step).countDown();
                    }
                    reported = seen;
                  }
                  return null;
                }));
      }
      for (int step = 0; step < steps.size(); step++) {
        assertThat(finishedAfterStep.get(step).await(1, TimeUnit.MINUTES))
            .as("every signer finished a signature after step %d", step)
            .isTrue();
        steps.get(step).run();
        stepsDone.set(step + 1);
      }
      assertThat(finishedAfterStep.get(steps.size()).await(1, TimeUnit.MINUTES)).isTrue();
      stop.set(true);
      for (Future<?> signer : signers) {
        signer.get(1, TimeUnit.MINUTES);
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }

    assertThat(failures).isEmpty();
    assertThat(signatures.get()).isGreaterThanOrEqualTo(SIGNERS * (steps.size() + 1));
    assertThat(ca.ca().trustBundle()).hasSize(1);
    assertThat(RotatingCa.start(dir, true).ca().trustBundle()).isEqualTo(ca.ca().trustBundle());
  }

  private static Runnable step(Step step) {
    return () -> {
      try {
        step.run();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }
}
