package dev.bowline.kernel.pilot.xds;

import io.envoyproxy.controlplane.server.ExecutorGroup;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executors on which the ADS server sends each stream's responses: every stream gets its own
 * serial executor ({@link #next()} is called once per stream), and all of them share one small pool
 * owned by the xDS server.
 *
 * <p>java-control-plane answers a stream's open watches while {@code SimpleCache.setSnapshot}
 * holds the cache's one lock, and hands each response to the stream's executor. With a direct
 * executor, packing, building and serializing every response into the stream happened on the push
 * thread inside that lock, for one client after another. Here the push thread only enqueues: the
 * responses are built on the pool, on all cores, while the push thread goes on to the next client.
 * A stream's responses still leave in the order the cache produced them, which is what the
 * make-before-break order (CDS and EDS before LDS and RDS) relies on, and no two of them are sent
 * at once (a gRPC stream observer is not thread-safe).
 *
 * <p><b>Threading.</b> Thread-safe. A task that throws is logged and does not stop the stream's
 * later tasks. After the pool shuts down, tasks are dropped (the server is closing and the streams
 * with it).
 */
final class StreamExecutors implements ExecutorGroup {

  private static final Logger LOG = LoggerFactory.getLogger(StreamExecutors.class);

  private final ExecutorService pool;

  /** Executors over {@code pool}, which the caller owns and shuts down. */
  StreamExecutors(ExecutorService pool) {
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public Executor next() {
    return new SerialExecutor(pool);
  }

  /** Runs its tasks one at a time, in submission order, on a shared pool. */
  static final class SerialExecutor implements Executor {
    private final Executor pool;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled; // guarded by tasks

    SerialExecutor(Executor pool) {
      this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
      Objects.requireNonNull(task, "task");
      synchronized (tasks) {
        tasks.add(task);
        if (scheduled) {
          return;
        }
        scheduled = true;
      }
      schedule();
    }

    private void schedule() {
      try {
        pool.execute(this::drain);
      } catch (RejectedExecutionException closing) {
        synchronized (tasks) {
          tasks.clear();
          scheduled = false;
        }
        LOG.debug("xDS server closing: dropped a stream's pending responses");
      }
    }

    /**
     * Runs the tasks queued so far, then hands the pool thread back: a busy stream does not keep a
     * pool thread from the other streams.
     */
    private void drain() {
      int budget;
      synchronized (tasks) {
        budget = tasks.size();
      }
      for (int i = 0; i < budget; i++) {
        Runnable task;
        synchronized (tasks) {
          task = tasks.poll();
        }
        if (task == null) {
          break;
        }
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.error("sending an xDS response failed", e);
        }
      }
      synchronized (tasks) {
        if (tasks.isEmpty()) {
          scheduled = false;
          return;
        }
      }
      schedule();
    }
  }
}
