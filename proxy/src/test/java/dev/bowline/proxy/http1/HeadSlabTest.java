package dev.bowline.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HeadSlabTest {

  private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  private static ByteBuf head(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    ByteBuf out = HeadSlab.reserve(ALLOC, bytes.length);
    int start = out.writerIndex();
    out.writeBytes(bytes);
    return HeadSlab.finish(out, start);
  }

  /** Runs {@code body} on an event-loop-like thread and ends its thread-locals as an event loop does. */
  private static void onEventLoopThread(Runnable body) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new FastThreadLocalThread(
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                failure.set(e);
              } finally {
                FastThreadLocal.removeAll();
              }
            });
    t.start();
    t.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }

  @Test
  void headsOnAnEventLoopAreCutOneAfterAnotherFromASlabThatOutlivesTheThreadUntilTheyAreReleased()
      throws Exception {
    List<ByteBuf> heads = new ArrayList<>();
    String text = "x".repeat(1000);
    onEventLoopThread(
        () -> {
          for (int i = 0; i < 20; i++) {
            heads.add(head((char) ('a' + i) + text));
          }
        });
    // 16 heads of 1001 bytes fit in one 16 KiB slab, each right after the one before; the 17th
    // starts another slab.
    int breaks = 0;
    for (int i = 1; i < heads.size(); i++) {
      ByteBuf before = heads.get(i - 1);
      if (heads.get(i).memoryAddress() != before.memoryAddress() + before.readableBytes()) {
        breaks++;
        assertThat(i).isEqualTo(16);
      }
    }
    assertThat(breaks).isEqualTo(1);
    // The thread is gone and gave its slab back; the heads still read what was written.
    for (int i = 0; i < heads.size(); i++) {
      assertThat(heads.get(i).toString(StandardCharsets.US_ASCII)).isEqualTo((char) ('a' + i) + text);
      assertThat(heads.get(i).release()).isTrue();
    }
  }

  @Test
  void aLargeHeadOrAHeadOffTheEventLoopGetsABufferOfItsOwn() throws Exception {
    ByteBuf first = head("GET / HTTP/1.1\r\n\r\n");
    ByteBuf second = head("GET / HTTP/1.1\r\n\r\n");
    assertThat(second.memoryAddress()).isNotEqualTo(first.memoryAddress() + first.readableBytes());
    first.release();
    second.release();
    onEventLoopThread(
        () -> {
          ByteBuf small = head("z".repeat(100));
          ByteBuf large = head("y".repeat(HeadSlab.MAX_REGION_BYTES + 1));
          ByteBuf next = head("w".repeat(100));
          // The large one was not cut from the slab: the next small one follows the first.
          assertThat(next.memoryAddress()).isEqualTo(small.memoryAddress() + 100);
          assertThat(large.toString(StandardCharsets.US_ASCII)).isEqualTo("y".repeat(HeadSlab.MAX_REGION_BYTES + 1));
          small.release();
          large.release();
          next.release();
        });
  }
}
