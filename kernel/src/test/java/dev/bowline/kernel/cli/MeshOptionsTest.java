package dev.bowline.kernel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.proxy.MeshProxyOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The options that join {@code bowline proxy} to the mesh, as the node Pilot reads. */
class MeshOptionsTest {

  private static MeshOptions parse(String... args) {
    MeshOptions options = new MeshOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void aSidecarAnnouncesItsServiceLabelsAndPorts() {
    MeshProxyOptions o = parse("--control-plane", "10.0.0.5:15010", "--plaintext", "--service", "reviews",
        "--namespace", "shop", "--labels", "app=reviews,version=v2", "--app-port", "9080",
        "--ip", "10.0.0.7", "--workload-name", "reviews-vm-1").toOptions();

    ProxyNode node = ProxyNode.fromEnvoyNode(o.node().toEnvoyNode());
    assertThat(node.type()).isEqualTo(ProxyNode.Type.SIDECAR);
    assertThat(node.id()).isEqualTo("sidecar~10.0.0.7~reviews-vm-1.shop~shop.svc.cluster.local");
    assertThat(node.service()).isEqualTo("reviews");
    assertThat(node.serviceAccount()).as("defaults to the service").isEqualTo("reviews");
    assertThat(node.labels()).containsEntry("app", "reviews").containsEntry("version", "v2");
    assertThat(node.appPort()).hasValue(9080);
    assertThat(node.inboundPort()).isEqualTo(15006);
    assertThat(node.outboundPort()).isEqualTo(15001);
    assertThat(o.controlPlane()).isEqualTo("10.0.0.5:15010");
    assertThat(o.join()).as("--plaintext: no identity").isEmpty();
    assertThat(o.admin().getPort()).isEqualTo(15000);
  }

  @Test
  void aGatewayIsARouterNode() {
    MeshProxyOptions o = parse("--control-plane", "127.0.0.1:15010", "--plaintext", "--gateway",
        "--namespace", "istio-system", "--labels", "istio=ingressgateway", "--ip", "127.0.0.1").toOptions();

    assertThat(o.node().type()).isEqualTo(ProxyNode.Type.ROUTER);
    assertThat(o.node().id()).startsWith("router~127.0.0.1~gateway-");
    assertThat(o.node().labels()).containsEntry("istio", "ingressgateway");
  }

  @Test
  void badValuesNameTheirOption() {
    assertThatThrownBy(() -> parse("--control-plane", "cp", "--ip", "127.0.0.1").toOptions())
        .hasMessageContaining("--control-plane 'cp'");
    assertThatThrownBy(() -> parse("--control-plane", "cp:15010", "--service", "reviews").toOptions())
        .hasMessageContaining("--service needs --app-port");
    assertThatThrownBy(() -> parse("--control-plane", "cp:15010", "--service", "Reviews_1",
        "--app-port", "1").toOptions())
        .hasMessageContaining("--service 'Reviews_1'");
    assertThatThrownBy(() -> parse("--control-plane", "cp:15010", "--labels", "version=v 2").toOptions())
        .hasMessageContaining("--labels").hasMessageContaining("version");
    assertThatThrownBy(() -> parse("--control-plane", "cp:15010", "--app-port", "70000", "--service", "a").toOptions())
        .hasMessageContaining("--app-port 70000");
  }

  @Test
  void joiningOverMutualTlsTakesATokenAndTheTrustBundle(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("root.pem");
    Files.writeString(root, TestRootPem.SELF_SIGNED_ROOT);
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "bowline-join.abc.def\n");

    MeshProxyOptions o = parse("--control-plane", "10.0.0.5:15012", "--join-token", "bowline-join.abc.def",
        "--ca-root", root.toString(), "--service", "ratings", "--app-port", "9080", "--ip", "10.0.0.7").toOptions();
    assertThat(o.join()).hasValueSatisfying(j -> {
      assertThat(j.joinToken()).hasValue("bowline-join.abc.def");
      assertThat(j.caRoots()).hasSize(1);
      assertThat(j.trustDomain()).isEqualTo("cluster.local");
    });
    assertThat(parse("--control-plane", "cp:15012", "--join-token-file", tokenFile.toString(),
        "--ca-root", root.toString(), "--trust-domain", "example.org", "--ip", "10.0.0.7").toOptions().join())
        .hasValueSatisfying(j -> {
          assertThat(j.joinToken()).as("read from the file, stripped").hasValue("bowline-join.abc.def");
          assertThat(j.trustDomain()).isEqualTo("example.org");
        });
  }

  @Test
  void joiningWithoutWhatItNeedsSaysWhatIsMissing(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("root.pem");
    Files.writeString(root, TestRootPem.SELF_SIGNED_ROOT);
    assertThatThrownBy(() -> parse("--control-plane", "cp:15012", "--join-token", "t", "--ip", "10.0.0.7").toOptions())
        .hasMessageContaining("--ca-root FILE").hasMessageContaining("--plaintext");
    assertThatThrownBy(() -> parse("--control-plane", "cp:15012", "--ca-root", root.toString(), "--ip", "10.0.0.7")
        .toOptions()).hasMessageContaining("--join-token TOKEN");
    assertThatThrownBy(() -> parse("--control-plane", "cp:15010", "--plaintext", "--join-token", "t",
        "--ip", "10.0.0.7").toOptions()).hasMessageContaining("--plaintext joins with no identity");
    Path notPem = dir.resolve("nope.pem");
    Files.writeString(notPem, "hello");
    assertThatThrownBy(() -> parse("--control-plane", "cp:15012", "--join-token", "t", "--ca-root", notPem.toString(),
        "--ip", "10.0.0.7").toOptions()).hasMessageContaining("--ca-root " + notPem);
  }

  @Test
  void theProxyCommandNeedsExactlyOneSourceOfConfiguration() {
    StringWriter err = new StringWriter();
    CommandLine cli = Launchers.commandLine(new BowlineMain());
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("proxy", "--bootstrap", "envoy.yaml", "--control-plane", "cp:15010"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("either --bootstrap FILE", "or --control-plane HOST:PORT");
  }
}
