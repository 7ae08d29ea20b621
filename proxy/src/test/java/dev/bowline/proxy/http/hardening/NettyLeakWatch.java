package dev.bowline.proxy.http.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs Netty's leak detector at {@code paranoid} and fails a test when it reports a leaked buffer
 * (what it would log as {@code LEAK:}). After each test (and, more thoroughly, after the class) it
 * collects garbage and allocates a few tracked buffers, which makes the detector look at what was
 * collected unreleased. A leak may surface one test late; it still fails the build.
 */
final class NettyLeakWatch implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
  private static volatile boolean installed;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    install();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check(1);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check(3);
  }

  private static void check(int rounds) {
    for (int round = 0; round < rounds && LEAKS.isEmpty(); round++) {
      System.gc();
      List<ByteBuf> probes = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        probes.add(ByteBufAllocator.DEFAULT.buffer(8));
        probes.add(Unpooled.buffer(8));
      }
      probes.forEach(ByteBuf::release);
    }
    List<String> leaks = new ArrayList<>(LEAKS);
    LEAKS.clear();
    assertThat(leaks).as("Netty LEAK reports").isEmpty();
  }

  private static synchronized void install() throws ReflectiveOperationException {
    if (installed) {
      return;
    }
    Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
    field.setAccessible(true);
    ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
    detector.setLeakListener((type, records) -> LEAKS.add("LEAK: " + type + "\n" + records));
    installed = true;
  }
}
