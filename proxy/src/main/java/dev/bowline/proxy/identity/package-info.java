/**
 * The proxy's workload identity: its key pair made in memory, its certificate from Citadel
 * ({@link dev.bowline.proxy.identity.CitadelCertificateSource}), renewed at half-life by {@link
 * dev.bowline.proxy.identity.WorkloadIdentity}.
 */
package dev.bowline.proxy.identity;
