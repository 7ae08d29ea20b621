package dev.bowline.spi.ca;

/**
 * A {@link CertificateAuthority}'s ability to replace its own root without a failed request, in
 * the three steps the host drives (Citadel's {@code bowlinectl ca rotate}):
 *
 * <ol>
 *   <li>{@link #prepare}: a new root is made and trusted; leaves are still signed under the old
 *       one. The host then waits until every proxy holds the bundle with both roots, so that a
 *       certificate from either root is accepted everywhere.
 *   <li>{@link #activate}: new leaves are signed under the new root, and the new root comes first
 *       in {@link CertificateAuthority#trustBundle()}. The host then waits until every proxy has
 *       a certificate under the new root.
 *   <li>{@link #retire}: the old root leaves the bundle; nothing the CA signs chains to it any
 *       more.
 * </ol>
 *
 * <p>Each step is durable before it returns: a CA restarted half way resumes in the {@link Phase}
 * it reached, with the same roots. A step called in a phase it does not start from fails with
 * {@link CertificateAuthorityException} naming the phase; calling the step that leads to the
 * current phase again does nothing (so a host that crashed between a step and its record of it may
 * repeat it).
 *
 * <p><b>Threading.</b> The host calls the steps from one thread at a time, never on an event loop
 * (a step may write files or call a remote CA). {@link CertificateAuthority#sign} and {@link
 * CertificateAuthority#trustBundle()} may run concurrently with a step and see the state before
 * it or after it, never a mix.
 */
public interface RootRotation {

  /** Where a rotation stands. */
  enum Phase {
    /** One root, which signs. */
    IDLE,
    /** Two roots trusted; the old one (listed first) still signs. */
    PREPARED,
    /** Two roots trusted; the new one (listed first) signs. */
    ACTIVATED
  }

  /** The phase now. */
  Phase phase();

  /**
   * {@link Phase#IDLE} to {@link Phase#PREPARED}: makes the new root and adds it to the trust
   * bundle after the current one.
   *
   * @throws CertificateAuthorityException the root cannot be made or stored, or the phase is
   *     {@link Phase#ACTIVATED}
   */
  void prepare() throws CertificateAuthorityException;

  /**
   * {@link Phase#PREPARED} to {@link Phase#ACTIVATED}: signs new leaves under the new root, which
   * moves to the front of the trust bundle.
   *
   * @throws CertificateAuthorityException the change cannot be stored, or the phase is {@link
   *     Phase#IDLE}
   */
  void activate() throws CertificateAuthorityException;

  /**
   * {@link Phase#ACTIVATED} to {@link Phase#IDLE}: drops the old root from the trust bundle. Its
   * private key is destroyed; its certificate may be archived.
   *
   * @throws CertificateAuthorityException the change cannot be stored, or the phase is {@link
   *     Phase#PREPARED}
   */
  void retire() throws CertificateAuthorityException;
}
