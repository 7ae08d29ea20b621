package dev.bowline.kernel.pilot.xds;

import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import dev.bowline.kernel.pilot.translate.PushContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fake generator: gives every client the current resources, counts its calls, and can hold one
 * call until released (to keep the push thread busy).
 */
final class SwitchableGenerator implements ResourceGenerator {

  private final AtomicReference<ProxyResources> current;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<PushContext> contexts = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch gate;
  private volatile boolean held;

  SwitchableGenerator(ProxyResources initial) {
    this.current = new AtomicReference<>(initial);
  }

  void set(ProxyResources resources) {
    current.set(resources);
  }

  int calls() {
    return calls.get();
  }

  List<PushContext> contexts() {
    return contexts;
  }

  /** The next call waits until {@link #release()}. */
  void holdNextCall() {
    gate = new CountDownLatch(1);
  }

  /** Whether a call is waiting. */
  boolean holding() {
    return held;
  }

  void release() {
    CountDownLatch g = gate;
    if (g != null) {
      g.countDown();
    }
  }

  @Override
  public ProxyResources generate(ProxyNode node, PushContext context) {
    calls.incrementAndGet();
    contexts.add(context);
    CountDownLatch g = gate;
    if (g != null) {
      held = true;
      try {
        if (!g.await(30, TimeUnit.SECONDS)) {
          throw new AssertionError("the generator was held for 30 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        held = false;
        gate = null;
      }
    }
    return current.get();
  }
}
