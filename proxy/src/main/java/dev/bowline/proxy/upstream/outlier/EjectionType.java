package dev.bowline.proxy.upstream.outlier;

/** Why a host was ejected, with the suffix Envoy's statistics give each reason. */
public enum EjectionType {
  CONSECUTIVE_5XX("consecutive_5xx"),
  CONSECUTIVE_GATEWAY_FAILURE("consecutive_gateway_failure"),
  CONSECUTIVE_LOCAL_ORIGIN_FAILURE("consecutive_local_origin_failure"),
  SUCCESS_RATE("success_rate"),
  SUCCESS_RATE_LOCAL_ORIGIN("local_origin_success_rate"),
  FAILURE_PERCENTAGE("failure_percentage"),
  FAILURE_PERCENTAGE_LOCAL_ORIGIN("local_origin_failure_percentage");

  private final String statSuffix;

  EjectionType(String statSuffix) {
    this.statSuffix = statSuffix;
  }

  /** The suffix of {@code ejections_enforced_*} and {@code ejections_detected_*}. */
  public String statSuffix() {
    return statSuffix;
  }
}
