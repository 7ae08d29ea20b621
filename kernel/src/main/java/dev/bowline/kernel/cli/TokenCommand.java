package dev.bowline.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bowlinectl token create|list|revoke}: the join tokens with which a VM's proxy gets its
 * first workload certificate from Citadel.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Join tokens for VMs: a short-lived, revocable proof of one service account.",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list or revoke");
  }

  /** {@code token create}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Make a token for a service account; it is printed once and never stored in clear.")
  static final class Create implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ServerOptions server;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default",
        description = "The namespace (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--service-account", paramLabel = "SA", required = true, description = "The service account.")
    String serviceAccount;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h",
        description = "How long it is valid, at most 24h (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Override
    public Integer call() {
      try {
        JsonNode made = server.client().post("/api/v1/tokens?namespace=" + ApiClient.encode(namespace)
            + "&serviceAccount=" + ApiClient.encode(serviceAccount) + "&ttl=" + ApiClient.encode(ttl), "token", "");
        spec.commandLine().getOut().println(made.path("token").asText());
        spec.commandLine().getErr().printf("token %s for %s/%s, valid until %s%n", made.path("id").asText(),
            made.path("namespace").asText(), made.path("serviceAccount").asText(), made.path("expiresAt").asText());
        return ExitCodes.OK;
      } catch (ApiClient.ApiException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return ExitCodes.FAILED;
      }
    }
  }

  /** {@code token list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tokens not yet expired.")
  static final class ListTokens implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      try {
        TextTable t = new TextTable("ID", "NAMESPACE", "SERVICE ACCOUNT", "EXPIRES", "REVOKED");
        for (JsonNode token : server.client().get("/api/v1/tokens").path("tokens")) {
          t.row(token.path("id").asText(), token.path("namespace").asText(), token.path("serviceAccount").asText(),
              token.path("expiresAt").asText(), token.path("revoked").asBoolean() ? "yes" : "no");
        }
        PrintWriter out = spec.commandLine().getOut();
        t.print(out);
        return ExitCodes.OK;
      } catch (ApiClient.ApiException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return ExitCodes.FAILED;
      }
    }
  }

  /** {@code token revoke ID}. */
  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token: it proves nothing from now on.")
  static final class Revoke implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ServerOptions server;

    @Parameters(index = "0", paramLabel = "ID", description = "The token's id (from token list).")
    String id;

    @Override
    public Integer call() {
      try {
        server.client().delete("/api/v1/tokens/" + ApiClient.encode(id));
        spec.commandLine().getOut().println("token " + id + " revoked");
        return ExitCodes.OK;
      } catch (ApiClient.ApiException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return ExitCodes.FAILED;
      }
    }
  }
}
