package dev.bowline.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/bowline proxy} starts the JVM with the compiler thresholds for start-up, without
 * Netty's buffer leak detection, its object recycler and its JFR events ({@code bin/bowline cds},
 * which trains on a proxy, without the last three too); other commands, {@code
 * BOWLINE_PROXY_JIT=default} and {@code JAVA_OPTS} keep or set their own.
 */
class ProxyJitIT {

  private static final Pattern LEAK_LEVEL =
      Pattern.compile("io\\.netty\\.leakDetection\\.level = (\\w+)");

  private static final Pattern RECYCLER_CAPACITY =
      Pattern.compile("io\\.netty\\.recycler\\.maxCapacityPerThread = (\\w+)");

  private static final Pattern NETTY_JFR = Pattern.compile("io\\.netty\\.jfr\\.enabled = (\\w+)");

  private static final Pattern TIER4 = Pattern.compile("intx Tier4InvocationThreshold\\s+=\\s+(\\d+)");

  @Test
  void theProxyHoldsC2BackUnlessTold() throws Exception {
    Distribution d = Distribution.unpack("proxy-jit");
    Map<String, String> flags = Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal", "BOWLINE_CDS", "off");

    assertThat(tier4(d.launch(flags, "bowline", "proxy", "--help"))).isEqualTo(50000);
    assertThat(tier4(d.launch(flags, "bowline", "version"))).as("not the proxy").isEqualTo(5000);
    assertThat(
            tier4(d.launch(Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal", "BOWLINE_CDS", "off",
                "BOWLINE_PROXY_JIT", "default"), "bowline", "proxy", "--help")))
        .isEqualTo(5000);
    assertThat(
            tier4(d.launch(Map.of("JAVA_OPTS", "-XX:+PrintFlagsFinal -XX:Tier4InvocationThreshold=7000",
                "BOWLINE_CDS", "off"), "bowline", "proxy", "--help")))
        .as("JAVA_OPTS wins").isEqualTo(7000);
  }

  @Test
  void theProxyRunsWithoutBufferLeakDetectionUnlessTold() throws Exception {
    Distribution d = Distribution.unpack("proxy-leaks");
    Map<String, String> show = Map.of("JAVA_OPTS", "-XshowSettings:properties", "BOWLINE_CDS", "off");

    assertThat(leakLevel(d.launch(show, "bowline", "proxy", "--help"))).isEqualTo("disabled");
    assertThat(leakLevel(d.launch(show, "bowline", "version"))).as("not the proxy").isNull();
    assertThat(
            leakLevel(d.launch(Map.of("JAVA_OPTS",
                "-XshowSettings:properties -Dio.netty.leakDetection.level=paranoid", "BOWLINE_CDS", "off"),
                "bowline", "proxy", "--help")))
        .as("JAVA_OPTS wins").isEqualTo("paranoid");
  }

  @Test
  void theProxyRunsWithoutNettysRecyclerUnlessTold() throws Exception {
    Distribution d = Distribution.unpack("proxy-recycler");
    Map<String, String> show = Map.of("JAVA_OPTS", "-XshowSettings:properties", "BOWLINE_CDS", "off");

    assertThat(property(RECYCLER_CAPACITY, d.launch(show, "bowline", "proxy", "--help"))).isEqualTo("0");
    assertThat(property(RECYCLER_CAPACITY, d.launch(show, "bowline", "version")))
        .as("not the proxy").isNull();
    assertThat(
            property(RECYCLER_CAPACITY, d.launch(Map.of("JAVA_OPTS",
                "-XshowSettings:properties -Dio.netty.recycler.maxCapacityPerThread=4096",
                "BOWLINE_CDS", "off"), "bowline", "proxy", "--help")))
        .as("JAVA_OPTS wins").isEqualTo("4096");
  }

  @Test
  void theProxyAndItsArchiveTrainingRunWithoutNettysJfrEventsUnlessTold() throws Exception {
    Distribution d = Distribution.unpack("proxy-jfr");
    Map<String, String> show = Map.of("JAVA_OPTS", "-XshowSettings:properties", "BOWLINE_CDS", "off");

    assertThat(property(NETTY_JFR, d.launch(show, "bowline", "proxy", "--help"))).isEqualTo("false");
    assertThat(property(NETTY_JFR, d.launch(show, "bowline", "cds", "--help")))
        .as("the archive's training proxy").isEqualTo("false");
    assertThat(property(NETTY_JFR, d.launch(show, "bowline", "version"))).as("not the proxy").isNull();
    assertThat(
            property(NETTY_JFR, d.launch(Map.of("JAVA_OPTS",
                "-XshowSettings:properties -Dio.netty.jfr.enabled=true", "BOWLINE_CDS", "off"),
                "bowline", "proxy", "--help")))
        .as("JAVA_OPTS wins").isEqualTo("true");
  }

  private static String leakLevel(Distribution.Result result) {
    return property(LEAK_LEVEL, result);
  }

  /** The value {@code -XshowSettings:properties} printed for the property {@code pattern} matches. */
  private static String property(Pattern pattern, Distribution.Result result) {
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    Matcher m = pattern.matcher(result.stderr() + result.stdout());
    return m.find() ? m.group(1) : null;
  }

  private static int tier4(Distribution.Result result) {
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    Matcher m = TIER4.matcher(result.stdout());
    assertThat(m.find()).as(result.stdout()).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
