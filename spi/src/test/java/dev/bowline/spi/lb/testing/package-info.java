/**
 * Test support for load-balancer authors, shipped in bowline-spi's test jar: numbered test hosts,
 * pick counting, statistical proportion checks and allocation measurement.
 */
package dev.bowline.spi.lb.testing;
