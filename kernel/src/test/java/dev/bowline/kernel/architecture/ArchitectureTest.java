package dev.bowline.kernel.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.bowline.spi.violation.SpiClassThatImportsTheKernel;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the layering of the production classes of spi, proxy and kernel (all on this module's
 * class path), and that the rules do catch a violation.
 */
class ArchitectureTest {

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    // spi and proxy come from their jars (or target/classes in the reactor); kernel from target/classes.
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bowline.spi", "dev.bowline.proxy", "dev.bowline.kernel");
  }

  @Test
  void importsAllThreeLayers() {
    assertThat(production.containPackage("dev.bowline.spi.model")).isTrue();
    assertThat(production.containPackage("dev.bowline.kernel.plugin")).isTrue();
    assertThat(production.stream().anyMatch(c -> c.getPackageName().startsWith("dev.bowline.proxy")))
        .isTrue();
  }

  @Test
  void layersDependOnlyDownwards() {
    for (ArchRule rule :
        List.of(
            LayeringRules.SPI_DEPENDS_ON_NOTHING_OF_OURS,
            LayeringRules.PROXY_KNOWS_NO_KERNEL_PLUGIN_OR_PF4J,
            LayeringRules.KERNEL_KNOWS_NO_PLUGIN,
            LayeringRules.CONTROL_PLANE_PARTS_ARE_INDEPENDENT,
            LayeringRules.MIXER_AND_CITADEL_ARE_INDEPENDENT,
            LayeringRules.CITADEL_IS_INDEPENDENT,
            LayeringRules.PILOT_KNOWS_NOT_ITS_WIRING,
            LayeringRules.PILOT_LAYERS,
            LayeringRules.NO_GRAB_BAG_PACKAGES)) {
      rule.check(production);
    }
  }

  @Test
  void anSpiClassImportingTheKernelIsCaught() {
    JavaClasses violation = new ClassFileImporter().importClasses(SpiClassThatImportsTheKernel.class);

    EvaluationResult result = LayeringRules.SPI_DEPENDS_ON_NOTHING_OF_OURS.evaluate(violation);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains("dev.bowline.kernel.BowlineVersion");
  }
}
