package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.plugins.ca.issuing.LeafIssuer;
import dev.bowline.spi.ca.RootRotation.Phase;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Everything the self-signed CA signs with and trusts at one moment of a root rotation: the
 * current material (the files at the top of the data directory), the next one while a rotation
 * runs, and what follows from the phase: the material that signs, and the trust bundle with the
 * signing root first.
 *
 * <ul>
 *   <li>IDLE: the current material signs; the bundle is the current root.
 *   <li>PREPARED: the current material signs; the bundle is the current root, then the next.
 *   <li>ACTIVATED: the next material signs; the bundle is the next root, then the current.
 * </ul>
 *
 * <p>Immutable and thread-safe: a rotation step makes a new one and swaps it in whole.
 */
final class SigningState {

  private final Phase phase;
  private final IssuingMaterial current;
  private final IssuingMaterial next;
  private final IssuingMaterial signing;
  private final LeafIssuer issuer;
  private final List<X509Certificate> trustBundle;

  private SigningState(Phase phase, IssuingMaterial current, IssuingMaterial next) {
    this.phase = Objects.requireNonNull(phase, "phase");
    this.current = Objects.requireNonNull(current, "current");
    if ((phase == Phase.IDLE) != (next == null)) {
      throw new IllegalArgumentException(
          "phase " + phase + (next == null ? " needs" : " has no") + " next material");
    }
    this.next = next;
    this.signing = phase == Phase.ACTIVATED ? next : current;
    this.issuer =
        new LeafIssuer(signing.signer().certificate(), signing.signer().keyPair().getPrivate());
    this.trustBundle =
        switch (phase) {
          case IDLE -> List.of(current.root().certificate());
          case PREPARED -> List.of(current.root().certificate(), next.root().certificate());
          case ACTIVATED -> List.of(next.root().certificate(), current.root().certificate());
        };
  }

  /** No rotation running: {@code current} alone. */
  static SigningState idle(IssuingMaterial current) {
    return new SigningState(Phase.IDLE, current, null);
  }

  /** A rotation in {@code phase} (not IDLE) from {@code current} to {@code next}. */
  static SigningState rotating(Phase phase, IssuingMaterial current, IssuingMaterial next) {
    return new SigningState(phase, current, Objects.requireNonNull(next, "next"));
  }

  /** This IDLE state with {@code next} prepared. */
  SigningState prepared(IssuingMaterial next) {
    return new SigningState(Phase.PREPARED, current, Objects.requireNonNull(next, "next"));
  }

  /** This PREPARED state with the next material signing. */
  SigningState activated() {
    return new SigningState(Phase.ACTIVATED, current, next);
  }

  /** This ACTIVATED state with the current material gone and the next one current. */
  SigningState retired() {
    return idle(next);
  }

  Phase phase() {
    return phase;
  }

  /** The material of the files at the top of the data directory. */
  IssuingMaterial current() {
    return current;
  }

  /** The material being rotated in, or null when IDLE. */
  IssuingMaterial next() {
    return next;
  }

  /** The material that signs leaves now. */
  IssuingMaterial signing() {
    return signing;
  }

  /** Issues leaves with {@link #signing()}'s signer. */
  LeafIssuer issuer() {
    return issuer;
  }

  /** The roots, the one that signs first. */
  List<X509Certificate> trustBundle() {
    return trustBundle;
  }
}
