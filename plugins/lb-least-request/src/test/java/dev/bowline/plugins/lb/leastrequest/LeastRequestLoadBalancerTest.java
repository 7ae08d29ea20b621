package dev.bowline.plugins.lb.leastrequest;

import dev.bowline.spi.lb.testing.TestHost;
import dev.bowline.spi.lb.testing.ExcludingContext;
import static dev.bowline.spi.lb.testing.ExcludingContext.excluding;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastRequestLoadBalancerTest {

  private final LeastRequestLoadBalancer balancer =
      new LeastRequestLoadBalancer(LeastRequestConfig.DEFAULT);

  @Test
  void anEmptyHostListGivesNoHost() {
    assertThat(balancer.newPicker(List.of()).pick(PickContext.NONE)).isNull();
  }

  @Test
  void aSingleHostIsAlwaysPickedEvenWhenExcluded() {
    List<UpstreamHost> hosts = TestHost.loadedWith(7);
    Picker picker = balancer.newPicker(hosts);

    assertThat(picker.pick(PickContext.NONE)).isSameAs(hosts.get(0));
    assertThat(picker.pick(excluding(hosts.get(0)))).isSameAs(hosts.get(0));
  }

  @Test
  void equalWeightsUsePowerOfChoices() {
    assertThat(balancer.newPicker(TestHost.withWeights(3, 3, 3)))
        .isInstanceOf(PowerOfChoicesPicker.class);
  }

  @Test
  void differentWeightsUseTheWeightedPicker() {
    assertThat(balancer.newPicker(TestHost.withWeights(1, 3)))
        .isInstanceOf(WeightedLeastRequestPicker.class);
  }
}
