package dev.bowline.proxy.xds;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@link XdsClient} knows of its control plane at one moment, for the admin API and
 * tests. Immutable.
 *
 * @param connected whether the ADS stream is open on a ready connection
 * @param types the state of each resource type
 */
public record XdsStatus(boolean connected, Map<XdsResourceType, TypeStatus> types) {

  public XdsStatus {
    types = Map.copyOf(types);
  }

  /** The state of one type. */
  public TypeStatus type(XdsResourceType type) {
    return types.get(type);
  }

  /**
   * The state of one resource type.
   *
   * @param ackedVersion the {@code version_info} of the last accepted response; empty before any
   * @param lastRejection the error sent with the last NACK, until a later response is accepted
   * @param accepted how many responses were accepted (ACKed) since the client started
   * @param rejected how many responses were rejected (NACKed) since the client started
   */
  public record TypeStatus(
      String ackedVersion, Optional<String> lastRejection, long accepted, long rejected) {

    public TypeStatus {
      Objects.requireNonNull(ackedVersion, "ackedVersion");
      Objects.requireNonNull(lastRejection, "lastRejection");
    }
  }
}
