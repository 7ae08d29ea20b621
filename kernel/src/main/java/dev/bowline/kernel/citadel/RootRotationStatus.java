package dev.bowline.kernel.citadel;

import dev.bowline.spi.ca.RootRotation;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a root rotation stands, for {@code bowlinectl ca rotate} and the API. Immutable.
 *
 * @param phase the CA's phase
 * @param step what the rotation does or waits for now ({@link Step})
 * @param roots the trust bundle now, the signing root first
 * @param waitingFor the clients the current step waits on, each with what it lacks
 * @param startedAt when the rotation under way (or the last one) started; empty if none ever did
 *     in this process
 * @param finishedAt when the last rotation finished; empty while one runs or none did
 * @param lastError the last failure of a CA step (retried), empty if none
 */
public record RootRotationStatus(
    RootRotation.Phase phase,
    Step step,
    List<X509Certificate> roots,
    List<String> waitingFor,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<String> lastError) {

  /** The steps of a rotation, in order. */
  public enum Step {
    /** No rotation runs. */
    IDLE("no rotation under way"),
    /** The new root is trusted; waiting until every proxy holds the bundle with both roots. */
    DISTRIBUTING_BOTH_ROOTS("waiting until every proxy holds both roots"),
    /** The new root signs; waiting until every proxy holds a certificate under it. */
    REISSUING("waiting until every proxy holds a certificate under the new root"),
    /** The old root is retired; waiting until every proxy holds the bundle without it. */
    DISTRIBUTING_NEW_ROOT("waiting until every proxy holds the bundle without the old root");

    private final String description;

    Step(String description) {
      this.description = description;
    }

    /** What the step waits for, in words. */
    public String description() {
      return description;
    }
  }

  public RootRotationStatus {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(step, "step");
    roots = List.copyOf(roots);
    waitingFor = List.copyOf(waitingFor);
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(lastError, "lastError");
  }

  /** Whether a rotation is under way. */
  public boolean running() {
    return step != Step.IDLE;
  }
}
