package dev.bowline.kernel.demo;

import dev.bowline.kernel.demo.bookinfo.BookinfoService;
import dev.bowline.kernel.proxy.ProxyRuntime;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One workload of the demo: a Bookinfo application and its sidecar, as a pod would hold them.
 *
 * <p>Threading: any thread.
 */
public final class DemoWorkload {

  private final String name;
  private final BookinfoService app;
  private final ProxyRuntime sidecar;
  private final int adminPort;
  private final AtomicBoolean stopped = new AtomicBoolean();

  DemoWorkload(String name, BookinfoService app, ProxyRuntime sidecar, int adminPort) {
    this.name = name;
    this.app = app;
    this.sidecar = sidecar;
    this.adminPort = adminPort;
  }

  /** The workload's name, e.g. {@code reviews-v2}; its proxy is {@code <name>.default}. */
  public String name() {
    return name;
  }

  /** The application. */
  public BookinfoService app() {
    return app;
  }

  /** The sidecar's admin server ({@code /stats/prometheus}, {@code /config_dump}, ...). */
  public URI adminUrl() {
    return URI.create("http://127.0.0.1:" + adminPort + "/");
  }

  /**
   * Stops the application and its sidecar at once, without draining, as a killed pod stops:
   * connections to it are refused from then on. Idempotent.
   */
  public void kill() {
    if (stopped.compareAndSet(false, true)) {
      app.close();
      sidecar.drainAndStop(Duration.ZERO);
    }
  }

  /** Whether {@link #kill} was called. */
  public boolean killed() {
    return stopped.get();
  }

  @Override
  public String toString() {
    return name;
  }
}
