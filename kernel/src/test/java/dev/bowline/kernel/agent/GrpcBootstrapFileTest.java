package dev.bowline.kernel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grpc-java bootstrap the agent writes for its application. */
class GrpcBootstrapFileTest {

  @TempDir Path dir;

  @Test
  void theBootstrapPointsAtTheAgentInPlaintextAndCarriesTheNode() throws Exception {
    Path file = dir.resolve("bootstrap.json");
    GrpcBootstrapFile.write(file, new InetSocketAddress("127.0.0.1", 15010),
        new ProxylessNode("orders-1", "shop", Optional.of("orders"), Map.of("app", "orders", "version", "v1")));

    JsonNode json = new ObjectMapper().readTree(file.toFile());
    JsonNode server = json.path("xds_servers").path(0);
    assertThat(json.path("xds_servers").size()).isEqualTo(1);
    assertThat(server.path("server_uri").asText()).isEqualTo("127.0.0.1:15010");
    assertThat(server.path("channel_creds").path(0).path("type").asText()).isEqualTo("insecure");
    assertThat(server.path("server_features").path(0).asText()).isEqualTo("xds_v3");
    JsonNode node = json.path("node");
    assertThat(node.path("id").asText()).isEqualTo("orders-1");
    assertThat(node.path("metadata").path("NAMESPACE").asText()).isEqualTo("shop");
    assertThat(node.path("metadata").path("SERVICE_ACCOUNT").asText()).isEqualTo("orders");
    assertThat(node.path("metadata").path("LABELS").path("version").asText()).isEqualTo("v1");
    assertThat(Files.getPosixFilePermissions(file)).as("no secret in it; the application may be another user")
        .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
  }

  @Test
  void withoutAServiceAccountOrLabelsTheyAreLeftOut() throws Exception {
    JsonNode json = new ObjectMapper().readTree(GrpcBootstrapFile.json(new InetSocketAddress("::1", 15010),
        new ProxylessNode("orders-1", "default", Optional.empty(), Map.of())));

    assertThat(json.path("xds_servers").path(0).path("server_uri").asText()).isEqualTo("[0:0:0:0:0:0:0:1]:15010");
    assertThat(json.path("node").path("metadata").has("SERVICE_ACCOUNT")).isFalse();
    assertThat(json.path("node").path("metadata").has("LABELS")).isFalse();
  }

  @Test
  void anExistingFileIsReplacedAndNoTemporaryFileIsLeft() throws Exception {
    Path file = dir.resolve("bootstrap.json");
    Files.writeString(file, "old");

    GrpcBootstrapFile.write(file, new InetSocketAddress("127.0.0.1", 20000),
        new ProxylessNode("orders-1", "default", Optional.empty(), Map.of()));

    assertThat(Files.readString(file)).contains("127.0.0.1:20000").doesNotContain("old");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }
}
