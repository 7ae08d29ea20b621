/**
 * The consistent-hash load balancers {@code bowline.lb.ring_hash} and {@code bowline.lb.maglev},
 * shipped as the PF4J plugin {@code lb-ring-hash}: Envoy's ring hash (a ketama ring) and Maglev (a
 * lookup table), which send requests with the same hash key to the same host and move few keys
 * when hosts come and go.
 */
package dev.bowline.plugins.lb.ringhash;
