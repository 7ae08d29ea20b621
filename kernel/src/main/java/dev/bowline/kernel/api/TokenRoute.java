package dev.bowline.kernel.api;

import dev.bowline.kernel.citadel.JoinToken;
import dev.bowline.kernel.citadel.JoinTokenStore;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Join tokens for VMs ({@code bowlinectl token ...}): {@code POST
 * /api/v1/tokens?namespace=NS&serviceAccount=SA&ttl=1h} makes one and answers it once ({@code
 * token}); {@code GET /api/v1/tokens} lists them (never the secrets); {@code DELETE
 * /api/v1/tokens/<id>} revokes one. Whoever reaches the API can mint tokens, as they can apply
 * config: the API listens on loopback unless the operator says otherwise.
 */
final class TokenRoute implements ApiRoute {

  private static final String PATH = "/api/v1/tokens";

  private final Optional<JoinTokenStore> tokens;

  TokenRoute(Optional<JoinTokenStore> tokens) {
    this.tokens = tokens;
  }

  @Override
  public boolean handle(ApiExchange ex) throws IOException {
    if (!ex.path().equals(PATH) && !ex.path().startsWith(PATH + "/")) {
      return false;
    }
    if (tokens.isEmpty()) {
      ex.error(503, "join tokens need the control plane's data directory (--data-dir)");
      return true;
    }
    JoinTokenStore store = tokens.get();
    String rest = ex.path().substring(PATH.length());
    switch (ex.method() + " " + (rest.isEmpty() ? "" : "/id")) {
      case "POST " -> create(ex, store);
      case "GET " -> ex.json(200, Map.of("tokens", store.list().stream().map(t -> describe(t, store)).toList()));
      case "DELETE /id" -> {
        String id = rest.substring(1);
        if (store.revoke(id)) {
          ex.json(200, Map.of("revoked", id));
        } else {
          ex.error(404, "no join token " + id);
        }
      }
      default -> ex.error(405, ex.method() + " " + ex.path() + " is not supported");
    }
    return true;
  }

  private static void create(ApiExchange ex, JoinTokenStore store) throws IOException {
    String ttlText = ex.query("ttl", "1h");
    Duration ttl;
    try {
      ttl = Duration.parse("PT" + ttlText.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      ex.error(400, "ttl: '" + ttlText + "' is not a duration such as 30m or 1h");
      return;
    }
    String token;
    try {
      token = store.create(ex.query("namespace", "default"), ex.query("serviceAccount", ""), ttl);
    } catch (IllegalArgumentException e) {
      ex.error(400, e.getMessage());
      return;
    }
    String id = token.split("\\.")[1];
    JoinToken made = store.list().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    Map<String, Object> out = describe(made, store);
    out.put("token", token);
    ex.json(201, out);
  }

  private static Map<String, Object> describe(JoinToken t, JoinTokenStore store) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("namespace", t.namespace());
    m.put("serviceAccount", t.serviceAccount());
    m.put("expiresAt", t.expiresAt().toString());
    m.put("revoked", store.revoked(t.id()).orElse(false));
    return m;
  }

}
