package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.ListenerConfig;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A listener's compiled TLS side: the server {@link SslContext} of each filter chain that
 * terminates TLS, and the table that picks a chain from a connection's first bytes (SNI, TLS or
 * plaintext, and ALPN, see {@link FilterChainMatcher} for the exact rules). TLS and plaintext
 * connections can share a port (Istio's PERMISSIVE mode): chains with {@code transport_protocol:
 * tls} and {@code raw_buffer} tell them apart by whether the first bytes are a ClientHello.
 *
 * <p><b>How the data path uses it.</b> Build one per listener and config version with {@link
 * #build}; then, in the listener's {@code ChannelInitializer.initChannel}, call {@link
 * #install(Channel, FilterChainInitializer)}. From there:
 *
 * <ol>
 *   <li>If the listener needs no inspection (one or more chains, none with TLS or match criteria),
 *       the initializer is called at once with chain 0.
 *   <li>Otherwise a selector handler ({@link #SELECTOR_HANDLER}) waits for the ClientHello, or for
 *       the first five bytes that show the connection is not TLS (at most the ClientHello
 *       timeout, Envoy's {@code listener_filters_timeout}, 15 s by default), picks the chain, and:
 *       <ul>
 *         <li>no chain matches: {@link FilterChainInitializer#onNoFilterChainMatch}, then close;
 *         <li>the chain terminates TLS: it replaces itself with that chain's {@code SslHandler}
 *             ({@link #SSL_HANDLER}); once the handshake succeeds, the peer's certificate (if it
 *             sent one) is kept on the channel as its {@link PeerIdentity}, and the initializer is
 *             called with the negotiated ALPN protocol and the session; a failed handshake calls
 *             {@link FilterChainInitializer#onHandshakeFailure} and closes;
 *         <li>the chain is plaintext (TLS passthrough by SNI): it calls the initializer at once and
 *             hands the untouched bytes, ClientHello included, to the handlers it added;
 *         <li>the connection is plaintext and some chain matches plaintext by HTTP version: it
 *             first hands over to a {@link HttpVersionSniffer}, which selects the chain once the
 *             first bytes show the version.
 *       </ul>
 * </ol>
 *
 * <p>Handlers placed after the {@code install} call in {@code initChannel} stay after the TLS
 * handlers; the initializer normally appends the chain's handlers with {@code addLast}.
 *
 * <p><b>Threading.</b> Immutable; one instance is shared by every connection on every event loop.
 * {@link #install} must be called on the channel's event loop or before it is registered (as {@code
 * initChannel} is).
 */
public final class ListenerTls {

  /** Pipeline name of the handler that reads the ClientHello and selects the chain. */
  public static final String SELECTOR_HANDLER = "bowline-filter-chain-selector";

  /** Pipeline name of the {@link io.netty.handler.ssl.SslHandler} of a TLS chain. */
  public static final String SSL_HANDLER = "bowline-tls";

  /** Pipeline name of the handler that waits for the handshake, then calls the initializer. */
  public static final String HANDSHAKE_HANDLER = "bowline-tls-handshake";

  /** Envoy's default {@code listener_filters_timeout}. */
  public static final Duration DEFAULT_CLIENT_HELLO_TIMEOUT = Duration.ofSeconds(15);

  private final List<FilterChainConfig> chains;
  private final List<SslContext> contexts;
  private final FilterChainMatcher matcher;
  private final boolean inspects;
  private final long clientHelloTimeoutMillis;

  private ListenerTls(
      List<FilterChainConfig> chains,
      List<SslContext> contexts,
      FilterChainMatcher matcher,
      Duration clientHelloTimeout) {
    this.chains = chains;
    this.contexts = contexts;
    this.matcher = matcher;
    this.inspects = matcher.hasCriteria() || contexts.stream().anyMatch(Objects::nonNull);
    this.clientHelloTimeoutMillis = Math.max(1, clientHelloTimeout.toMillis());
  }

  /**
   * {@link #build(ListenerConfig, String, Duration, Optional)} with the default ClientHello timeout
   * and no workload identity.
   */
  public static ListenerTls build(ListenerConfig listener, String listenerPath)
      throws ConfigException {
    return build(listener, listenerPath, DEFAULT_CLIENT_HELLO_TIMEOUT, Optional.empty());
  }

  /**
   * {@link #build(ListenerConfig, String, Duration, Optional)} with the default ClientHello
   * timeout.
   */
  public static ListenerTls build(
      ListenerConfig listener, String listenerPath, Optional<WorkloadSecretSource> secrets)
      throws ConfigException {
    return build(listener, listenerPath, DEFAULT_CLIENT_HELLO_TIMEOUT, secrets);
  }

  /** {@link #build(ListenerConfig, String, Duration, Optional)} without workload identity. */
  public static ListenerTls build(
      ListenerConfig listener, String listenerPath, Duration clientHelloTimeout)
      throws ConfigException {
    return build(listener, listenerPath, clientHelloTimeout, Optional.empty());
  }

  /**
   * Builds the TLS contexts of every chain and the selection table.
   *
   * @param listenerPath the listener's config path, such as {@code static_resources.listeners[0]};
   *     a chain's TLS problems are named under {@code
   *     listenerPath.filter_chains[i].transport_socket.typed_config}
   * @param clientHelloTimeout how long a connection may take to send its ClientHello before it is
   *     closed
   * @param secrets the proxy's workload secrets, for chains that name them (SDS); empty when the
   *     proxy has no workload identity
   * @throws ConfigException listing every problem of every chain
   */
  public static ListenerTls build(
      ListenerConfig listener,
      String listenerPath,
      Duration clientHelloTimeout,
      Optional<WorkloadSecretSource> secrets)
      throws ConfigException {
    List<String> problems = new ArrayList<>();
    List<FilterChainConfig> chains = listener.filterChains();
    List<SslContext> contexts = new ArrayList<>(chains.size());
    for (int i = 0; i < chains.size(); i++) {
      SslContext context = null;
      if (chains.get(i).tls().isPresent()) {
        try {
          context =
              ServerTlsContexts.build(
                  chains.get(i).tls().get(),
                  listenerPath + ".filter_chains[" + i + "].transport_socket.typed_config",
                  secrets);
        } catch (ConfigException e) {
          problems.addAll(e.problems());
        }
      }
      contexts.add(context);
    }
    FilterChainMatcher matcher = FilterChainMatcher.compile(chains, listenerPath, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ListenerTls(
        chains, Collections.unmodifiableList(contexts), matcher, clientHelloTimeout);
  }

  /** The listener's chains, in config order. */
  public List<FilterChainConfig> chains() {
    return chains;
  }

  /** The server context of a chain, or empty when the chain does not terminate TLS. */
  public Optional<SslContext> serverContext(int chainIndex) {
    return Optional.ofNullable(contexts.get(chainIndex));
  }

  /** Whether plaintext connections are inspected for their HTTP version before a chain is known. */
  boolean detectsHttp() {
    return matcher.detectsHttp();
  }

  /** Whether connections must be inspected (ClientHello read) before a chain is known. */
  public boolean inspectsClientHello() {
    return inspects;
  }

  /** The chain a connection with this ClientHello gets, or empty when none matches. */
  public OptionalInt select(ClientHello clientHello) {
    int index = inspects ? matcher.select(clientHello) : 0;
    return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
  }

  long clientHelloTimeoutMillis() {
    return clientHelloTimeoutMillis;
  }

  /**
   * Sets up filter-chain selection (and TLS termination) on a new downstream connection; see the
   * class comment for what follows.
   *
   * @throws Exception whatever the initializer throws when it is called at once
   */
  public void install(Channel channel, FilterChainInitializer initializer) throws Exception {
    if (!inspects) {
      initializer.initialize(
          channel,
          new FilterChainSelection(
              0, chains.get(0), ClientHello.NONE, Optional.empty(), Optional.empty()));
      return;
    }
    channel.pipeline().addLast(SELECTOR_HANDLER, new FilterChainSelector(this, initializer));
  }
}
