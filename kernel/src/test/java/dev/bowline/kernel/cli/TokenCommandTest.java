package dev.bowline.kernel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.citadel.JoinTokenStore;
import dev.bowline.kernel.controlplane.ControlPlane;
import dev.bowline.kernel.controlplane.ControlPlaneOptions;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bowlinectl token create|list|revoke} against a running control plane. */
class TokenCommandTest {

  @TempDir Path dir;
  private PluginHost plugins;
  private ControlPlane controlPlane;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void start() throws Exception {
    plugins = PluginHost.start(PluginHostConfig.of(CaPluginJar.installInto(dir.resolve("plugins"))), new MetricRegistry());
    controlPlane = ControlPlane.start(new ControlPlaneOptions(Optional.empty(), Optional.of(dir.resolve("data")),
        new InetSocketAddress("127.0.0.1", 0), Optional.of(new InetSocketAddress("127.0.0.1", 0)),
        new InetSocketAddress("127.0.0.1", 0), MeshSettings.DEFAULTS, Duration.ofSeconds(10),
        ControlPlaneOptions.DEFAULT_CA), plugins);
  }

  @AfterEach
  void stop() {
    controlPlane.close();
    plugins.close();
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = Launchers.commandLine(new BowlineCtlMain());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--server";
    all[args.length + 1] = "http://127.0.0.1:" + controlPlane.apiAddress().getPort();
    return cli.execute(all);
  }

  @Test
  void createsAScopedTokenListsItAndRevokesIt() throws Exception {
    assertThat(run("token", "create", "--namespace", "default", "--service-account", "ratings", "--ttl", "30m"))
        .as(err.toString()).isZero();
    String token = out.toString().strip();
    assertThat(token).startsWith("bowline-join.");
    String id = token.split("\\.")[1];
    assertThat(err.toString()).contains("token " + id + " for default/ratings, valid until");

    JoinTokenStore stored = JoinTokenStore.open(dir.resolve("data/citadel/join-tokens.json"), Clock.systemUTC());
    assertThat(stored.check(token)).isInstanceOfSatisfying(JoinTokenStore.Accepted.class,
        a -> assertThat(a.token().serviceAccount()).isEqualTo("ratings"));

    assertThat(run("token", "list")).isZero();
    assertThat(out.toString()).contains(id, "default", "ratings").doesNotContain(token);

    assertThat(run("token", "revoke", id)).isZero();
    assertThat(JoinTokenStore.open(dir.resolve("data/citadel/join-tokens.json"), Clock.systemUTC()).check(token))
        .isInstanceOf(JoinTokenStore.Refused.class);
    assertThat(run("token", "revoke", "ffffffffffff")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("no join token ffffffffffff");
  }

  @Test
  void aBadScopeOrLifetimeIsRefusedNamingTheField() {
    assertThat(run("token", "create", "--service-account", "Web")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("serviceAccount 'Web' is not a DNS label");
    assertThat(run("token", "create", "--service-account", "web", "--ttl", "48h")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("ttl: must be more than 0 and at most 24h");
    assertThat(run("token", "create", "--service-account", "web", "--ttl", "soon")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("ttl: 'soon' is not a duration");
  }
}
