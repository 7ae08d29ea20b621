package dev.bowline.kernel.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of DESIGN.md section 2, as ArchUnit rules: spi → proxy → kernel, plugins
 * beside on spi; Pilot, Mixer and Citadel meet only in the model.
 */
final class LayeringRules {

  private LayeringRules() {}

  /** The spi depends on the JDK, PF4J, SLF4J and itself only. */
  static final ArchRule SPI_DEPENDS_ON_NOTHING_OF_OURS =
      classes()
          .that()
          .resideInAPackage("dev.bowline.spi..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "javax..", "org.pf4j..", "org.slf4j..", "dev.bowline.spi..")
          .because("the spi is the contract: it depends on pf4j and slf4j only (DESIGN.md section 2)");

  /** The proxy is a data-plane library: no kernel, no plugin, no PF4J. */
  static final ArchRule PROXY_KNOWS_NO_KERNEL_PLUGIN_OR_PF4J =
      noClasses()
          .that()
          .resideInAPackage("dev.bowline.proxy..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.bowline.kernel..", "dev.bowline.plugins..", "org.pf4j..")
          .because("the proxy takes its factories from whoever builds it (DESIGN.md section 2)");

  /** The kernel never names a plugin. */
  static final ArchRule KERNEL_KNOWS_NO_PLUGIN =
      noClasses()
          .that()
          .resideInAPackage("dev.bowline.kernel..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.bowline.plugins..")
          .because("a kernel that knows about a plugin is a bug (DESIGN.md section 2)");

  /** Pilot, Mixer and Citadel do not import each other. */
  static final ArchRule CONTROL_PLANE_PARTS_ARE_INDEPENDENT =
      noClasses()
          .that()
          .resideInAPackage("dev.bowline.kernel.pilot..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.bowline.kernel.mixer..", "dev.bowline.kernel.citadel..")
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.bowline.kernel.mixer..", "dev.bowline.kernel.citadel..")
          .allowEmptyShould(true)
          .because("Pilot, Mixer and Citadel meet only in spi.model and the process wiring");

  /** Mixer and Citadel do not import each other or Pilot. */
  static final ArchRule MIXER_AND_CITADEL_ARE_INDEPENDENT =
      noClasses()
          .that()
          .resideInAPackage("dev.bowline.kernel.mixer..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.bowline.kernel.pilot..", "dev.bowline.kernel.citadel..")
          .allowEmptyShould(true)
          .because("Pilot, Mixer and Citadel meet only in spi.model and the process wiring");

  /** Citadel does not import Pilot or Mixer. */
  static final ArchRule CITADEL_IS_INDEPENDENT =
      noClasses()
          .that()
          .resideInAPackage("dev.bowline.kernel.citadel..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.bowline.kernel.pilot..", "dev.bowline.kernel.mixer..")
          .allowEmptyShould(true)
          .because("Pilot, Mixer and Citadel meet only in spi.model and the process wiring");

  /**
   * Pilot is a library of the control plane: it knows nothing of the process that wires it (the
   * API, the launchers, the composition roots, the demo) nor of the proxy runtime.
   */
  static final ArchRule PILOT_KNOWS_NOT_ITS_WIRING =
      noClasses()
          .that()
          .resideInAPackage("dev.bowline.kernel.pilot..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.bowline.kernel.api..",
              "dev.bowline.kernel.cli..",
              "dev.bowline.kernel.controlplane..",
              "dev.bowline.kernel.demo..",
              "dev.bowline.kernel.proxy..",
              "dev.bowline.kernel.plugin..",
              "org.pf4j..")
          .because("the composition roots wire Pilot; Pilot does not reach back (ADR 0006)");

  /**
   * Inside Pilot the layers read istio/config/node → registry → translate → xds: the store and the
   * registry know nothing of xDS, the translator nothing of the server.
   */
  static final ArchRule PILOT_LAYERS =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.bowline.kernel.pilot.istio..",
              "dev.bowline.kernel.pilot.config..",
              "dev.bowline.kernel.pilot.registry..",
              "dev.bowline.kernel.pilot.translate..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.bowline.kernel.pilot.xds..")
          .because("the ADS server is the top of Pilot: it serves what the layers below produce");

  /** No grab-bag packages. */
  static final ArchRule NO_GRAB_BAG_PACKAGES =
      noClasses()
          .should()
          .resideInAnyPackage("..util..", "..utils..", "..common..", "..helpers..")
          .because("classes live in the package of the job they do");
}
