/**
 * The {@code bowline.lb.least_request} load balancer, shipped as the PF4J plugin
 * {@code lb-least-request}: Envoy's weighted least request, which sends each request to a lightly
 * loaded host by comparing a few randomly chosen ones (power of N choices).
 */
package dev.bowline.plugins.lb.leastrequest;
