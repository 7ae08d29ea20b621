package dev.bowline.proxy.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes access-log lines to a file from a background thread, so an event loop never waits on
 * disk. Lines go through a bounded queue; when it is full a line is dropped and counted, never
 * blocking the request.
 *
 * <p><b>Threading.</b> {@link #offer(String)} is lock-free-ish and safe from any thread.
 */
final class AccessLogWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AccessLogWriter.class);
  private static final int QUEUE = 65_536;

  private final Path path;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
  private final LongAdder dropped = new LongAdder();
  private final Thread thread;
  private volatile boolean closed;

  AccessLogWriter(Path path) {
    this.path = path;
    this.thread = new Thread(this::run, "bowline-access-log");
    thread.setDaemon(true);
    thread.start();
  }

  void offer(String line) {
    if (!lines.offer(line)) {
      dropped.increment();
    }
  }

  long dropped() {
    return dropped.sum();
  }

  private void run() {
    List<String> batch = new ArrayList<>();
    try (OutputStream out = open()) {
      while (!closed || !lines.isEmpty()) {
        String first = lines.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        lines.drainTo(batch, 1023);
        for (String l : batch) {
          out.write(l.getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        batch.clear();
      }
    } catch (IOException e) {
      log.error("access log {} failed; further lines are dropped", path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private OutputStream open() throws IOException {
    String p = path.toString();
    if (p.equals("/dev/stdout")) {
      return new java.io.FilterOutputStream(System.out) {
        @Override
        public void close() throws IOException {
          flush();
        }
      };
    }
    if (p.equals("/dev/stderr")) {
      return new java.io.FilterOutputStream(System.err) {
        @Override
        public void close() throws IOException {
          flush();
        }
      };
    }
    return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
