package dev.bowline.kernel.pilot.registry.embedded;

import com.google.protobuf.util.JsonFormat;
import dev.bowline.kernel.pilot.node.ProxyNode;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workload self-registration, Istio's WorkloadEntry auto-registration in small: a sidecar that
 * announces a service in its node metadata is registered while it is connected, and removed a
 * grace period after its last stream closed (so a control-plane restart or a short network blip
 * does not pull it out of load balancing). A sidecar that reconnects within the grace period
 * simply stays.
 *
 * <p>Only sidecars ({@link ProxyNode.Type#SIDECAR}) with a service and an application port
 * register. With a state file, registrations survive a control-plane restart: {@link #restore()}
 * reads them back as disconnected, so they keep receiving traffic for one grace period while their
 * sidecars reconnect, instead of vanishing until then. Thread-safe; {@code onChange} runs on the caller's thread or the scheduler's, outside
 * the lock, and must not block.
 */
public final class SelfRegistrations {

  private static final Logger log = LoggerFactory.getLogger(SelfRegistrations.class);

  /** How long a disconnected sidecar stays registered by default (Istio: 10 s). */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(10);

  private final Duration gracePeriod;
  private final ScheduledExecutorService scheduler;
  private final Runnable onChange;
  private final Map<String, ProxyNode> registered = new LinkedHashMap<>();
  private final Map<String, ScheduledFuture<?>> removals = new LinkedHashMap<>();
  private final Optional<Path> stateFile;

  /**
   * @param scheduler runs the delayed removals
   * @param onChange called after the set of registrations changed
   * @param stateFile where registrations are kept across restarts, if anywhere
   */
  public SelfRegistrations(
      Duration gracePeriod, ScheduledExecutorService scheduler, Runnable onChange,
      Optional<Path> stateFile) {
    this.gracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    this.stateFile = Objects.requireNonNull(stateFile, "stateFile");
  }

  /** Registrations kept in memory only. */
  public SelfRegistrations(
      Duration gracePeriod, ScheduledExecutorService scheduler, Runnable onChange) {
    this(gracePeriod, scheduler, onChange, Optional.empty());
  }

  /**
   * Reads the registrations of the previous run back, each pending removal after one grace
   * period unless its sidecar reconnects. A state file that cannot be read is logged and ignored.
   */
  public void restore() {
    if (stateFile.isEmpty() || !Files.exists(stateFile.get())) {
      return;
    }
    List<ProxyNode> nodes = new ArrayList<>();
    try {
      JsonFormat.Parser parser = JsonFormat.parser().ignoringUnknownFields();
      for (String line : Files.readAllLines(stateFile.get(), StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          Node.Builder node = Node.newBuilder();
          parser.merge(line, node);
          nodes.add(ProxyNode.fromEnvoyNode(node.build()));
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read the registrations of the previous run from {}; starting without them",
          stateFile.get(), e);
      return;
    }
    synchronized (this) {
      for (ProxyNode node : nodes) {
        if (registers(node) && !registered.containsKey(node.id())) {
          registered.put(node.id(), node);
          removals.put(node.id(), scheduler.schedule(
              () -> expire(node.id()), gracePeriod.toMillis(), TimeUnit.MILLISECONDS));
        }
      }
    }
    log.info("restored {} registration(s) of the previous run; each stays {} unless its sidecar"
        + " reconnects", nodes.size(), gracePeriod);
    onChange.run();
  }

  // Called with the monitor held after every change of `registered`.
  private void persist() {
    if (stateFile.isEmpty()) {
      return;
    }
    Path file = stateFile.get();
    StringBuilder text = new StringBuilder();
    try {
      JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
      for (ProxyNode node : registered.values()) {
        text.append(printer.print(node.toEnvoyNode())).append('\n');
      }
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("cannot save registrations to {}: they will not survive a restart", file, e);
    }
  }

  /** Whether this node registers a workload at all. */
  public static boolean registers(ProxyNode node) {
    return node.type() == ProxyNode.Type.SIDECAR
        && !node.service().isEmpty()
        && node.appPort().isPresent();
  }

  /** Registers (or re-registers) a connected sidecar, cancelling a pending removal. */
  public void connected(ProxyNode node) {
    if (!registers(node)) {
      return;
    }
    boolean changed;
    synchronized (this) {
      ScheduledFuture<?> pending = removals.remove(node.id());
      if (pending != null) {
        pending.cancel(false);
      }
      ProxyNode previous = registered.put(node.id(), node);
      changed = !node.equals(previous);
      if (changed) {
        persist();
      }
    }
    if (changed) {
      log.info("registered workload {}/{} of service {} at {}:{}", node.namespace(),
          node.workloadName(), node.service(), node.ip(), node.inboundPort());
      onChange.run();
    }
  }

  /** Schedules the removal of a sidecar whose last stream closed. */
  public void disconnected(ProxyNode node) {
    if (!registers(node)) {
      return;
    }
    synchronized (this) {
      if (!registered.containsKey(node.id()) || removals.containsKey(node.id())) {
        return;
      }
      removals.put(node.id(),
          scheduler.schedule(() -> expire(node.id()), gracePeriod.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  private void expire(String nodeId) {
    ProxyNode removed;
    synchronized (this) {
      if (removals.remove(nodeId) == null) {
        return; // reconnected meanwhile
      }
      removed = registered.remove(nodeId);
      persist();
    }
    if (removed != null) {
      log.info("unregistered workload {}/{} of service {}: disconnected for {}",
          removed.namespace(), removed.workloadName(), removed.service(), gracePeriod);
      onChange.run();
    }
  }

  /** The registered sidecars, oldest registration first. */
  public synchronized List<ProxyNode> all() {
    return List.copyOf(new ArrayList<>(registered.values()));
  }
}
