package dev.bowline.proxy.server;

import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.tls.FilterChainInitializer;
import dev.bowline.proxy.tls.FilterChainSelection;
import dev.bowline.proxy.tls.ListenerTls;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running form of one listener's configuration: TLS termination and filter-chain selection
 * (by SNI and ALPN) and the compiled filter chains. A new one is built for each configuration
 * change and swapped in; connections already accepted keep the one they started with.
 *
 * <p>Immutable and thread-safe.
 *
 * @param config the configuration it was built from
 * @param tls chooses the filter chain of a connection and terminates TLS where configured
 * @param chains one per filter chain, in order
 */
record ListenerRuntime(ListenerConfig config, ListenerTls tls, List<ChainRuntime> chains)
    implements FilterChainInitializer {

  private static final Logger log = LoggerFactory.getLogger(ListenerRuntime.class);

  /** Sets up a newly accepted connection: chain selection first, then the chosen chain. */
  void initConnection(Channel channel) {
    try {
      tls.install(channel, this);
    } catch (Exception e) {
      log.debug("listener {}: cannot set up connection {}", config.name(), channel, e);
      channel.close();
    }
  }

  @Override
  public void initialize(Channel channel, FilterChainSelection selection) {
    chains
        .get(selection.chainIndex())
        .install(
            channel, selection.terminatesTls() ? "https" : "http", selection.applicationProtocol());
  }

  /** Makes this version's routes the ones in force for its listener's connections. */
  void commit() {
    chains.forEach(ChainRuntime::commit);
  }

  /** A filter chain, ready to serve connections. */
  interface ChainRuntime {
    /** Called once when the configuration holding this chain is committed. */
    default void commit() {}

    /** Installs the chain's network filter on a connection (after TLS, when it terminates TLS). */
    void install(Channel channel, String scheme);

    /**
     * Installs the chain's network filter on a connection, knowing the protocol ALPN agreed on
     * ({@code h2}, {@code http/1.1}, ...; empty without TLS termination or without agreement). The
     * listener calls this one; chains that ignore ALPN keep the default, which calls {@link
     * #install(Channel, String)}.
     */
    default void install(Channel channel, String scheme, Optional<String> applicationProtocol) {
      install(channel, scheme);
    }
  }
}
