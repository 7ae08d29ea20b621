package dev.bowline.proxy.config;

import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads an Envoy v3 bootstrap file (YAML or JSON) into a {@link ProxyConfig}, as
 * {@code bowline proxy --bootstrap FILE} does.
 *
 * <p>The file is YAML when it ends in {@code .yaml} or {@code .yml}, JSON when it ends in
 * {@code .json}, and otherwise JSON if it starts with <code>{</code>. It is parsed as an
 * {@code envoy.config.bootstrap.v3.Bootstrap} with protobuf's JSON rules (proto or JSON field
 * names, durations such as {@code 0.25s}, {@code "@type"} in each {@code typed_config}), then every
 * field set is checked against the subset Bowline supports (see {@code docs/proxy-bootstrap.md}):
 * a field outside it is an error naming its full path, never silently ignored. Listeners and
 * clusters are translated by {@link ListenerTranslator} and {@link ClusterTranslator}; names must
 * be unique, listeners may not share an address, and each cluster a {@code tcp_proxy} names must
 * be defined. Supported at the top level: {@code node.id}, {@code node.cluster},
 * {@code admin.address} and {@code admin.access_log_path: /dev/null}.
 *
 * <p>Every problem is reported at once in one {@link ConfigException} whose {@link
 * ConfigException#source()} is the file and whose problems each start with a field path.
 *
 * <p>Stateless and thread-safe: one instance may load any number of files concurrently.
 */
public final class BootstrapLoader {

  /** Creates a loader. */
  public BootstrapLoader() {}

  /**
   * Reads, checks and translates the bootstrap in {@code file}.
   *
   * @throws ConfigException the file cannot be read, is not valid YAML or JSON, or holds
   *     configuration Bowline cannot run; the message names the file
   */
  public ProxyConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("cannot read the file: " + e));
    }
    return parse(file.toString(), text);
  }

  /**
   * Checks and translates bootstrap text, as {@link #load} does for a file's content.
   *
   * @param sourceName the name used in messages and, by its extension, to choose YAML or JSON
   * @param text the YAML or JSON document
   * @throws ConfigException the problems, with {@code sourceName} as their source
   */
  public ProxyConfig parse(String sourceName, String text) throws ConfigException {
    BootstrapReader.Parsed parsed;
    try {
      parsed = BootstrapReader.read(sourceName, text);
    } catch (ConfigException e) {
      throw new ConfigException(sourceName, e.problems());
    }
    Problems problems = new Problems();
    ProxyConfig config = translate(parsed.bootstrap(), parsed.explicit(), problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(sourceName, problems.list());
    }
    return config;
  }

  private static ProxyConfig translate(
      Bootstrap bootstrap, ExplicitFields explicit, Problems problems) {
    SupportedFieldsValidator.validate(bootstrap, SupportedFields.BOOTSTRAP, "", problems);
    Optional<InetSocketAddress> admin = admin(bootstrap.getAdmin(), problems);

    String listenersPath = "static_resources.listeners";
    List<Listener> listenerProtos = bootstrap.getStaticResources().getListenersList();
    List<ListenerConfig> listeners = new ArrayList<>();
    Map<Integer, InetSocketAddress> addresses = new LinkedHashMap<>();
    Map<Integer, String> listenerNames = new LinkedHashMap<>();
    for (int i = 0; i < listenerProtos.size(); i++) {
      listenerNames.put(i, listenerProtos.get(i).getName());
      try {
        ListenerConfig listener =
            ListenerTranslator.translate(
                listenerProtos.get(i), Problems.index(listenersPath, i), explicit);
        listeners.add(listener);
        addresses.put(i, listener.address());
        listenerNames.put(i, listener.name()); // a generated name, when none was written
      } catch (ConfigException e) {
        problems.addAll(e);
      }
    }
    StaticChecks.uniqueNames(listenerNames, listenersPath, "listener", problems);
    StaticChecks.uniqueAddresses(addresses, listenersPath, problems);

    String clustersPath = "static_resources.clusters";
    List<Cluster> clusterProtos = bootstrap.getStaticResources().getClustersList();
    List<ClusterConfig> clusters = new ArrayList<>();
    Map<Integer, String> clusterNames = new LinkedHashMap<>();
    for (int i = 0; i < clusterProtos.size(); i++) {
      clusterNames.put(i, clusterProtos.get(i).getName());
      try {
        clusters.add(
            ClusterTranslator.translate(clusterProtos.get(i), Problems.index(clustersPath, i)));
      } catch (ConfigException e) {
        problems.addAll(e);
      }
    }
    StaticChecks.uniqueNames(clusterNames, clustersPath, "cluster", problems);
    StaticChecks.tcpProxyClusters(bootstrap, problems);
    return problems.isEmpty() ? new ProxyConfig(admin, listeners, clusters) : null;
  }

  @SuppressWarnings("deprecation") // legacy Envoy fields, accepted on purpose
  private static Optional<InetSocketAddress> admin(Admin admin, Problems problems) {
    String logPath = admin.getAccessLogPath();
    if (!logPath.isEmpty() && !logPath.equals("/dev/null")) {
      problems.add("admin.access_log_path", "'" + logPath + "' is not supported by Bowline yet:"
          + " the admin server keeps no access log (only /dev/null is accepted)");
    }
    if (!admin.hasAddress()) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        SocketAddresses.read(admin.getAddress(), 0, "admin.address", problems));
  }
}
