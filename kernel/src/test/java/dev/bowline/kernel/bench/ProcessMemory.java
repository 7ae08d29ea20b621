package dev.bowline.kernel.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Memory of this JVM: the heap in use after a full collection (what is live), and the resident
 * set size of the process and its peak from {@code /proc/self/status} (Linux; -1 elsewhere).
 * Stateless; {@link #heapAfterGc()} blocks for the collections it asks for.
 */
final class ProcessMemory {

  private ProcessMemory() {}

  /** Bytes of heap in use after asking for two full collections. */
  static long heapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Bytes of heap committed now. */
  static long heapCommitted() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
  }

  /** The maximum heap, or -1 when undefined. */
  static long heapMax() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
  }

  /** The resident set size of this process in bytes, -1 when it cannot be read. */
  static long rss() {
    return status("VmRSS:");
  }

  /** The largest resident set size this process has had, in bytes; -1 when it cannot be read. */
  static long peakRss() {
    return status("VmHWM:");
  }

  private static long status(String field) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
      for (String line : lines) {
        if (line.startsWith(field)) {
          String[] parts = line.substring(field.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Bytes as MiB, one decimal. */
  static double mib(long bytes) {
    return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
  }
}
