/**
 * The load balancers built into the proxy: {@code bowline.lb.round_robin} and
 * {@code bowline.lb.random}, and {@link dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers}, the
 * registry that holds them so a proxy works with no plugins at all.
 *
 * <p>Each balancer turns a host list into an immutable {@link dev.bowline.spi.lb.Picker} off the
 * request path; pickers never block, never lock and never allocate, so any number of event loops
 * may share one.
 */
package dev.bowline.proxy.upstream.lb;
