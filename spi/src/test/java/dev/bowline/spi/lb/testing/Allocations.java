package dev.bowline.spi.lb.testing;

import static org.assertj.core.api.Assumptions.assumeThat;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import java.lang.management.ManagementFactory;

/** Measures what a picker allocates on the calling thread. */
public final class Allocations {

  private Allocations() {}

  /**
   * Bytes allocated by {@code picks} picks after a warm-up; the test is skipped on a JVM that
   * cannot count allocations per thread.
   */
  public static long bytesAllocatedBy(Picker picker, PickContext context, int picks) {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeThat(bean).isInstanceOf(com.sun.management.ThreadMXBean.class);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);

    long sink = run(picker, context, picks); // warm up: class loading, ThreadLocalRandom seeding
    long before = threads.getCurrentThreadAllocatedBytes();
    sink += run(picker, context, picks);
    long after = threads.getCurrentThreadAllocatedBytes();
    if (sink == 42) {
      System.out.print(""); // keeps the picks observable
    }
    return after - before;
  }

  private static long run(Picker picker, PickContext context, int picks) {
    long sink = 0;
    for (int i = 0; i < picks; i++) {
      sink += System.identityHashCode(picker.pick(context));
    }
    return sink;
  }
}
