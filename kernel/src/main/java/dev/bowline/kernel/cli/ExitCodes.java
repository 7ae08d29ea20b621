package dev.bowline.kernel.cli;

/**
 * The exit codes of {@code bowline} and {@code bowlinectl}, stable for scripts.
 *
 * <ul>
 *   <li>0: success;
 *   <li>1: the command failed (the message on stderr says why);
 *   <li>2: the command line is wrong (unknown option, bad value);
 *   <li>3: the command ran but something it reports is unhealthy (for {@code plugins}: at least one
 *       plugin FAILED);
 *   <li>4: the command exists but is not available in this build yet.
 * </ul>
 */
public final class ExitCodes {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int DEGRADED = 3;
  public static final int NOT_AVAILABLE = 4;

  private ExitCodes() {}
}
