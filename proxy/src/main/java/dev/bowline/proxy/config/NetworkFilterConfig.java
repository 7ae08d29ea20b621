package dev.bowline.proxy.config;

/** The terminal network filter of a filter chain. */
public sealed interface NetworkFilterConfig permits HttpConnectionManagerConfig, TcpProxyConfig {

  /** The prefix of this filter's statistics, such as {@code ingress_http}. */
  String statPrefix();
}
