package dev.bowline.proxy.filter;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the filter tests through a running proxy share, registered with {@code @RegisterExtension}:
 * before each test, a {@link HelloUpstream} to serve as the bootstrap's cluster {@code app}; after
 * it, that upstream and whatever the test {@link #open opened} (proxies, clients) closed, the last
 * opened first.
 */
final class FilterProxyFixture implements BeforeEachCallback, AfterEachCallback {

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private HelloUpstream app;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    app = open(new HelloUpstream());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  /** Closes {@code resource} after the test. */
  <T extends AutoCloseable> T open(T resource) {
    resources.push(resource);
    return resource;
  }

  /** The upstream of cluster {@code app}. */
  HelloUpstream app() {
    return app;
  }
}
