/**
 * Pilot's config store for Istio's own YAML.
 *
 * <p>Text (multi-document YAML or JSON) is read into typed specs by a strict reader that names the
 * field path of every problem; each kind has a small validator following Istio's rules, and every
 * field Bowline accepts but does not apply yet is reported as a warning, never ignored in
 * silence. {@link dev.bowline.kernel.pilot.config.ConfigStore} keeps the accepted resources with
 * {@code kubectl apply} semantics and per-source ownership, persists API-applied ones, and
 * publishes immutable {@link dev.bowline.kernel.pilot.config.ConfigSnapshot}s to the translator.
 * {@link dev.bowline.kernel.pilot.config.ConfigDirectoryWatcher} keeps the store in step with a
 * directory of files, {@link dev.bowline.kernel.pilot.config.ConfigDocuments} renders resources
 * back for {@code get -o yaml|json}, and {@link dev.bowline.kernel.pilot.config.ConfigAnalyzer}
 * checks what spans resources, as {@code istioctl analyze} does.
 */
package dev.bowline.kernel.pilot.config;
