package dev.bowline.kernel.citadel;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bowline.spi.model.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The join tokens an operator made with {@code bowlinectl token create}: short-lived, scoped to one
 * service account, revocable. A token reads {@code bowline-join.<id>.<secret>}; the store keeps the
 * id, the scope, the expiry and the SHA-256 of the secret, in one JSON file readable by its owner
 * only. A bearer proves a token by presenting it whole; the comparison takes constant time.
 * Tokens stay valid until they expire or are revoked (a VM that restarts before its first
 * renewal may present its token again); expired tokens are dropped from the file.
 *
 * <p>Threading: thread-safe (every method synchronized; the file is small).
 */
public final class JoinTokenStore {

  /** The longest lifetime a token may have. */
  public static final Duration MAX_TTL = Duration.ofHours(24);
  static final String PREFIX = "bowline-join.";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private final Clock clock;
  private final Map<String, Stored> tokens = new LinkedHashMap<>();

  private record Stored(JoinToken token, String secretSha256, boolean revoked) {}

  /** The outcome of presenting a token: the token it proves, or why it proves nothing. */
  public sealed interface Check {}

  /** The token is valid: its bearer is {@code token}'s service account. */
  public record Accepted(JoinToken token) implements Check {}

  /** The token proves nothing; {@code reason} says why, without echoing the secret. */
  public record Refused(String reason) implements Check {}

  private JoinTokenStore(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /**
   * A store that holds no token and can make none, for a control plane without a data directory:
   * every token presented is unknown, and {@link #create} fails.
   */
  public static JoinTokenStore none(Clock clock) {
    return new JoinTokenStore(null, clock);
  }

  /**
   * Opens the store in {@code file} (created on the first token).
   *
   * @throws IOException the file exists and cannot be read or is not a token store
   */
  public static JoinTokenStore open(Path file, Clock clock) throws IOException {
    JoinTokenStore store = new JoinTokenStore(file, clock);
    if (Files.exists(file)) {
      List<Map<String, Object>> rows;
      try {
        rows = JSON.readValue(file.toFile(), new TypeReference<>() {});
      } catch (IOException e) {
        throw new IOException("join token store " + file + " is unreadable: " + e.getMessage(), e);
      }
      for (Map<String, Object> row : rows) {
        JoinToken token = new JoinToken((String) row.get("id"), (String) row.get("namespace"),
            (String) row.get("serviceAccount"), Instant.parse((String) row.get("expiresAt")));
        store.tokens.put(token.id(), new Stored(token, (String) row.get("secretSha256"),
            Boolean.TRUE.equals(row.get("revoked"))));
      }
    }
    return store;
  }

  /**
   * Makes a token for {@code serviceAccount} in {@code namespace}, valid for {@code ttl}; returns
   * the token text, which is shown once and never stored.
   *
   * @throws IllegalArgumentException a name is not a DNS label, or the ttl is not in (0, 24h]
   * @throws IOException the store cannot be written; no token was made
   */
  public synchronized String create(String namespace, String serviceAccount, Duration ttl) throws IOException {
    Names.requireNamespace(namespace);
    Names.requireLabel("serviceAccount", serviceAccount);
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("ttl: must be more than 0 and at most " + MAX_TTL.toHours()
          + "h, got " + ttl);
    }
    byte[] idBytes = new byte[6];
    byte[] secretBytes = new byte[32];
    RANDOM.nextBytes(idBytes);
    RANDOM.nextBytes(secretBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    JoinToken token = new JoinToken(id, namespace, serviceAccount, clock.instant().plus(ttl));
    tokens.put(id, new Stored(token, sha256(secret), false));
    try {
      save();
    } catch (IOException e) {
      tokens.remove(id);
      throw e;
    }
    return PREFIX + id + "." + secret;
  }

  /** Checks a presented token. */
  public synchronized Check check(String presented) {
    if (presented == null || !presented.startsWith(PREFIX)) {
      return new Refused("not a Bowline join token");
    }
    String rest = presented.substring(PREFIX.length());
    int dot = rest.indexOf('.');
    if (dot <= 0) {
      return new Refused("malformed join token");
    }
    Stored stored = tokens.get(rest.substring(0, dot));
    if (stored == null
        || !MessageDigest.isEqual(
            stored.secretSha256().getBytes(StandardCharsets.US_ASCII),
            sha256(rest.substring(dot + 1)).getBytes(StandardCharsets.US_ASCII))) {
      return new Refused("unknown join token");
    }
    if (stored.revoked()) {
      return new Refused("join token " + stored.token().id() + " was revoked");
    }
    if (!clock.instant().isBefore(stored.token().expiresAt())) {
      return new Refused("join token " + stored.token().id() + " expired at " + stored.token().expiresAt());
    }
    return new Accepted(stored.token());
  }

  /**
   * Revokes the token {@code id}; it proves nothing from now on.
   *
   * @return false when there is no such token
   * @throws IOException the store cannot be written; the token is not revoked
   */
  public synchronized boolean revoke(String id) throws IOException {
    Stored stored = tokens.get(id);
    if (stored == null) {
      return false;
    }
    tokens.put(id, new Stored(stored.token(), stored.secretSha256(), true));
    try {
      save();
    } catch (IOException e) {
      tokens.put(id, stored);
      throw e;
    }
    return true;
  }

  /** The tokens not yet expired, revoked ones included, oldest first. */
  public synchronized List<JoinToken> list() {
    Instant now = clock.instant();
    List<JoinToken> out = new ArrayList<>();
    for (Stored s : tokens.values()) {
      if (now.isBefore(s.token().expiresAt())) {
        out.add(s.token());
      }
    }
    return List.copyOf(out);
  }

  /** Whether token {@code id} was revoked. */
  public synchronized Optional<Boolean> revoked(String id) {
    return Optional.ofNullable(tokens.get(id)).map(Stored::revoked);
  }

  private void save() throws IOException {
    if (file == null) {
      throw new IOException("join tokens need the control plane's data directory (--data-dir)");
    }
    Instant now = clock.instant();
    tokens.values().removeIf(s -> !now.isBefore(s.token().expiresAt()));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Stored s : tokens.values()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", s.token().id());
      row.put("namespace", s.token().namespace());
      row.put("serviceAccount", s.token().serviceAccount());
      row.put("expiresAt", s.token().expiresAt().toString());
      row.put("secretSha256", s.secretSha256());
      row.put("revoked", s.revoked());
      rows.add(row);
    }
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path temp = Files.createTempFile(dir, ".join-tokens", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(rows));
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
