package dev.bowline.proxy.leak;

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
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs Netty's leak detector at {@code paranoid} and fails a test when it reports a leaked buffer
 * (what it would log as {@code LEAK:}). After each test class it collects garbage and allocates a
 * few tracked buffers, which makes the detector look at what was collected unreleased. A leak may
 * surface one class late; it still fails the build.
 *
 * <p>Registered for every test of this module through JUnit's extension auto-detection
 * ({@code META-INF/services} and {@code junit-platform.properties} in the test resources).
 */
public final class NettyLeakWatch implements BeforeAllCallback, AfterAllCallback {

  private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
  private static volatile boolean installed;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    install();
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
