package dev.bowline.kernel.plugin;

import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.SecurityPosture;

/**
 * One extension a plugin contributes, as {@code bowlinectl plugins} shows it.
 *
 * @param point the extension point's display name, such as {@code load-balancer}
 * @param name the canonical name, such as {@code bowline.lb.least_request}
 * @param className the implementing class
 * @param priority its priority among factories of the same name
 * @param available whether it can be used in this process
 * @param status its maturity
 * @param securityPosture the traffic it is hardened against
 * @param description what it does
 */
public record ExtensionInfo(
    String point,
    String name,
    String className,
    int priority,
    boolean available,
    ExtensionStatus status,
    SecurityPosture securityPosture,
    String description) {}
