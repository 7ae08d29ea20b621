package dev.bowline.kernel.cli;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.proxy.JoinCredentials;
import dev.bowline.spi.model.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options that prove a workload's identity to the control plane's mutual TLS port: the join
 * token for the first certificate, the trust bundle that verifies the control plane and its trust
 * domain. Shared by {@code bowline proxy} and {@code bowline agent}. A picocli mixin.
 */
final class JoinOptions {

  @Option(names = "--join-token", paramLabel = "TOKEN",
      description = "The join token (bowlinectl token create) that proves the workload's service"
          + " account for its first certificate.")
  String joinToken;

  @Option(names = "--join-token-file", paramLabel = "FILE",
      description = "Read the join token from this file (keeps it out of the process list).")
  Path joinTokenFile;

  @Option(names = "--ca-root", paramLabel = "FILE",
      description = "PEM file of the mesh's trust bundle (bowlinectl ca root), which verifies the control plane.")
  Path caRoot;

  @Option(names = "--trust-domain", paramLabel = "DOMAIN",
      description = "The mesh's SPIFFE trust domain (default: cluster.local).")
  String trustDomain;

  /** Whether any of these options was given. */
  boolean anyGiven() {
    return joinToken != null || joinTokenFile != null || caRoot != null || trustDomain != null;
  }

  /**
   * The credentials these options describe.
   *
   * @param otherwise appended to the message when something is missing: what else the command
   *     could be asked (such as {@code "; for a local plaintext control plane add --plaintext"}), or
   *     {@code ""}
   * @throws IllegalArgumentException naming the option that is missing or malformed
   */
  JoinCredentials credentials(String otherwise) {
    if (caRoot == null) {
      throw new IllegalArgumentException("joining over mutual TLS needs --ca-root FILE, the mesh's trust bundle"
          + " (bowlinectl ca root > root.pem)" + otherwise);
    }
    if (joinToken != null && joinTokenFile != null) {
      throw new IllegalArgumentException("give --join-token or --join-token-file, not both");
    }
    Optional<String> token = Optional.ofNullable(joinToken);
    if (joinTokenFile != null) {
      try {
        token = Optional.of(Files.readString(joinTokenFile).strip());
      } catch (IOException e) {
        throw new IllegalArgumentException("--join-token-file " + joinTokenFile + ": cannot be read: " + e.getMessage());
      }
    }
    if (token.isEmpty()) {
      throw new IllegalArgumentException("joining over mutual TLS needs --join-token TOKEN (bowlinectl token create"
          + " --namespace NS --service-account SA) for the first certificate" + otherwise);
    }
    List<X509Certificate> roots = PemCertificates.read(caRoot, "--ca-root");
    String domain = trustDomain == null ? MeshSettings.DEFAULTS.trustDomain() : trustDomain;
    try {
      new SpiffeId(domain, "");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--trust-domain '" + domain + "': " + e.getMessage());
    }
    return new JoinCredentials(token, roots, domain, Optional.of(caRoot));
  }
}
