package dev.bowline.kernel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.kernel.agent.AgentOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bowline agent}'s command line. */
class AgentCommandTest {

  @TempDir Path dir;

  private List<String> args(String... extra) throws Exception {
    Path root = dir.resolve("root.pem");
    Files.writeString(root, TestRootPem.SELF_SIGNED_ROOT);
    List<String> args = new ArrayList<>(List.of("--control-plane", "10.0.0.5:15012", "--join-token",
        "bowline-join.abc.def", "--ca-root", root.toString(), "--grpc-bootstrap", dir.resolve("b.json").toString(),
        "--node-id", "orders-1", "--namespace", "default"));
    args.addAll(List.of(extra));
    return args;
  }

  private static AgentOptions parse(List<String> args) {
    AgentCommand command = new AgentCommand();
    new CommandLine(command).parseArgs(args.toArray(String[]::new));
    return command.toOptions();
  }

  @Test
  void theJoinOptionsAreThoseOfTheProxy() throws Exception {
    AgentOptions o = parse(args("--service-account", "orders", "--labels", "app=orders,version=v1"));

    assertThat(o.controlPlane()).isEqualTo("10.0.0.5:15012");
    assertThat(o.join().joinToken()).hasValue("bowline-join.abc.def");
    assertThat(o.join().caRoots()).hasSize(1);
    assertThat(o.join().trustDomain()).isEqualTo("cluster.local");
    assertThat(o.listen().getAddress().isLoopbackAddress()).isTrue();
    assertThat(o.listen().getPort()).as("the default").isEqualTo(15010);
    assertThat(o.node().id()).isEqualTo("orders-1");
    assertThat(o.node().serviceAccount()).hasValue("orders");
    assertThat(o.node().labels()).containsEntry("version", "v1");
    assertThat(parse(args()).node().serviceAccount()).as("left to the certificate").isEmpty();
  }

  @Test
  void aListenAddressThatIsNotLoopbackIsRefused() throws Exception {
    StringWriter err = new StringWriter();
    CommandLine cli = Launchers.commandLine(new BowlineMain());
    cli.setErr(new PrintWriter(err));
    List<String> args = new ArrayList<>(List.of("agent"));
    args.addAll(args("--listen", "0.0.0.0:15010"));

    assertThat(cli.execute(args.toArray(String[]::new))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("bowline agent: --listen '0.0.0.0:15010' is not a loopback address",
        "plaintext");
  }

  @Test
  void badValuesNameTheirOption() throws Exception {
    assertThatThrownBy(() -> parse(args("--listen", "127.0.0.1")))
        .hasMessageContaining("--listen '127.0.0.1'");
    List<String> sidecarId = args();
    sidecarId.set(sidecarId.indexOf("orders-1"), "sidecar~10.0.0.1~orders.default~default.svc.cluster.local");
    assertThatThrownBy(() -> parse(sidecarId))
        .hasMessageContaining("--node-id").hasMessageContaining("sidecar's or gateway's id");
    assertThatThrownBy(() -> parse(args("--service-account", "Orders_1")))
        .hasMessageContaining("--service-account 'Orders_1'");
    assertThatThrownBy(() -> parse(args("--labels", "version=v 1")))
        .hasMessageContaining("--labels").hasMessageContaining("version");
    List<String> withoutToken = args();
    int token = withoutToken.indexOf("--join-token");
    withoutToken.remove(token);
    withoutToken.remove(token);
    assertThatThrownBy(() -> parse(withoutToken)).hasMessageContaining("--join-token TOKEN")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("--plaintext"));
  }
}
