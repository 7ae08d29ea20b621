package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.testing.TestHost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.model.Endpoint;
import org.junit.jupiter.api.Test;

class HostWeightsTest {

  @Test
  void readsWeightsInOrder() {
    UpstreamHost[] hosts = TestHost.withWeights(3, 1, 2).toArray(new UpstreamHost[0]);

    assertThat(HostWeights.of(hosts)).containsExactly(3, 1, 2);
  }

  @Test
  void readsAWeightBelowOneAsOne() {
    UpstreamHost broken =
        new UpstreamHost() {
          @Override
          public Endpoint endpoint() {
            return Endpoint.of("10.0.0.1", 80);
          }

          @Override
          public int weight() {
            return 0;
          }

          @Override
          public int activeRequests() {
            return 0;
          }
        };

    assertThat(HostWeights.of(new UpstreamHost[] {broken})).containsExactly(1);
  }

  @Test
  void detectsEqualWeights() {
    assertThat(HostWeights.allEqual(new int[] {3, 3, 3})).isTrue();
    assertThat(HostWeights.allEqual(new int[] {3})).isTrue();
    assertThat(HostWeights.allEqual(new int[] {3, 3, 4})).isFalse();
  }

  @Test
  void dividesOutTheCommonDivisor() {
    assertThat(HostWeights.reduced(new int[] {2, 4, 6})).containsExactly(1, 2, 3);
    assertThat(HostWeights.reduced(new int[] {3, 5})).containsExactly(3, 5);
  }
}
