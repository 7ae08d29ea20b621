package dev.bowline.proxy.http;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Envoy's response flags, as the access log and the counters name them. */
final class ResponseFlags {

  static final String NONE = "-";
  static final String NO_HEALTHY_UPSTREAM = "UH";
  static final String UPSTREAM_CONNECTION_FAILURE = "UF";
  static final String UPSTREAM_OVERFLOW = "UO";
  static final String NO_ROUTE = "NR";
  static final String NO_CLUSTER = "NC";
  static final String UPSTREAM_REQUEST_TIMEOUT = "UT";
  static final String UPSTREAM_CONNECTION_TERMINATION = "UC";
  static final String DOWNSTREAM_CONNECTION_TERMINATION = "DC";
  static final String UPSTREAM_RETRY_LIMIT_EXCEEDED = "URX";
  static final String DELAY_INJECTED = "DI";
  static final String FAULT_INJECTED = "FI";
  static final String RATE_LIMITED = "RL";

  /** The response header that carries a local reply's flags (Bowline's; Envoy has none). */
  static final String HEADER = "x-bowline-response-flags";

  /** The order in which Envoy prints flags that are set together (its flag enumeration's order). */
  private static final List<String> ORDER =
      List.of("LH", "UH", "UT", "LR", "UR", "UF", "UC", "UO", "NR", "DI", "FI", "RL", "UAEX",
          "RLSE", "DC", "URX", "SI", "IH", "DPE", "UMSDR", "RFCF", "NFCF", "DT", "UPE", "NC");

  private ResponseFlags() {}

  /**
   * {@code flags} (one flag, or {@link #NONE}) with the flags a retry decision added: {@code UO}
   * when the {@code max_retries} breaker refused a retry, {@code URX} when the retries ran out;
   * comma-separated in Envoy's order, such as {@code UF,URX}.
   */
  static String withRetryFlags(String flags, boolean retryOverflow, boolean retryLimitExceeded) {
    if (!retryOverflow && !retryLimitExceeded) {
      return flags;
    }
    String[] set = new String[3];
    int n = 0;
    if (!NONE.equals(flags)) {
      set[n++] = flags;
    }
    if (retryOverflow && !UPSTREAM_OVERFLOW.equals(flags)) {
      set[n++] = UPSTREAM_OVERFLOW;
    }
    if (retryLimitExceeded) {
      set[n++] = UPSTREAM_RETRY_LIMIT_EXCEEDED;
    }
    Arrays.sort(set, 0, n, Comparator.comparingInt(ResponseFlags::rank));
    return String.join(",", Arrays.asList(set).subList(0, n));
  }

  /** {@code flags} (comma-separated, or {@link #NONE}) with {@code flag} added, in Envoy's order. */
  static String with(String flags, String flag) {
    if (NONE.equals(flags)) {
      return flag;
    }
    String[] set = (flags + "," + flag).split(",");
    Arrays.sort(set, Comparator.comparingInt(ResponseFlags::rank));
    return String.join(",", Arrays.stream(set).distinct().toList());
  }

  private static int rank(String flag) {
    int i = ORDER.indexOf(flag);
    return i < 0 ? ORDER.size() : i;
  }
}
