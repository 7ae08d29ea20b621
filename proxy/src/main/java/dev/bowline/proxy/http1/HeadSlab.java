package dev.bowline.proxy.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Space for encoded message heads, carved out of one direct buffer per event-loop thread: each
 * head is a retained slice of the thread's slab, which goes back to the pool once the slab is used
 * up and its last head has been written. A pooled allocation per head (thread cache lookup, free
 * list, pinned-memory counter, and the same again on release) cost about as much as encoding the
 * head; a slice costs an object and two reference-count updates.
 *
 * <p>Only event-loop threads ({@link FastThreadLocalThread}, whose end releases the slab) use a
 * slab; on any other thread, and for a head larger than {@link #MAX_REGION_BYTES}, a head gets a
 * buffer of its own.
 *
 * <p><b>Threading.</b> Each thread has its own slab; a slab is only touched by its thread (the
 * slices it hands out may be released anywhere).
 */
public final class HeadSlab {

  /** The size of one slab. */
  static final int SLAB_BYTES = 16 * 1024;

  /** Heads larger than this get a buffer of their own. */
  public static final int MAX_REGION_BYTES = 2 * 1024;

  private static final FastThreadLocal<HeadSlab> SLABS =
      new FastThreadLocal<>() {
        @Override
        protected HeadSlab initialValue() {
          return new HeadSlab();
        }

        @Override
        protected void onRemoval(HeadSlab slab) {
          slab.release();
        }
      };

  private ByteBuf slab;

  private HeadSlab() {}

  /**
   * A buffer to write a head of exactly {@code bytes} into, at its writer index: the calling
   * thread's slab when it has one with room (call {@link #finish} after writing), else a buffer of
   * its own.
   */
  public static ByteBuf reserve(ByteBufAllocator alloc, int bytes) {
    if (bytes > MAX_REGION_BYTES || !(Thread.currentThread() instanceof FastThreadLocalThread)) {
      return alloc.directBuffer(bytes, bytes);
    }
    return SLABS.get().room(alloc, bytes);
  }

  /**
   * The head written into {@code reserved} since {@code start} (its writer index when it was
   * reserved), as a buffer of its own to hand to the channel.
   */
  public static ByteBuf finish(ByteBuf reserved, int start) {
    HeadSlab own =
        Thread.currentThread() instanceof FastThreadLocalThread ? SLABS.getIfExists() : null;
    if (own == null || own.slab != reserved) {
      return reserved; // a buffer of its own
    }
    return reserved.retainedSlice(start, reserved.writerIndex() - start);
  }

  private ByteBuf room(ByteBufAllocator alloc, int bytes) {
    if (slab == null || slab.writableBytes() < bytes) {
      release();
      slab = alloc.directBuffer(SLAB_BYTES, SLAB_BYTES);
    }
    return slab;
  }

  private void release() {
    if (slab != null) {
      slab.release();
      slab = null;
    }
  }
}
