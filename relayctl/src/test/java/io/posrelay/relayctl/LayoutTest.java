package io.posrelay.relayctl;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layout of docs/architecture.md, enforced: no package cycle anywhere in POS Relay's
 * main code, no service using another service's internals (anything below its root package),
 * and no service or runtime code using the test kit, the benchmark or the CLI. relayctl's tests
 * are the one place that sees every module's classes, so the check lives here. (Which module may
 * depend on which is also fixed by the poms: integration-tests has no relayctl dependency, and
 * testkit none on a service.)
 */
class LayoutTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainCode() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.posrelay");
  }

  @Test
  void theImport_seesEveryModulesMainCode() {
    assertThat(List.of("io.posrelay.v1.PaymentResult", "io.posrelay.runtime.ServiceLauncher",
        "io.posrelay.ingest.IlkIngestServer", "io.posrelay.relay.RelayServer",
        "io.posrelay.admin.AdminServer", "io.posrelay.testkit.cluster.LocalCluster",
        "io.posrelay.bench.LatencyBench", "io.posrelay.relayctl.RelayCtl"))
        .allSatisfy(name -> assertThat(classes.contain(name)).as(name).isTrue());
    assertThat(classes.stream().filter(c -> c.getPackageName().startsWith("io.posrelay")))
        .hasSizeGreaterThan(300);
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.posrelay.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void ilkIngestInternals_areUsedByIlkIngestOnly() {
    internalsOf("io.posrelay.ingest").check(classes);
  }

  @Test
  void relayServerInternals_areUsedByRelayServerOnly() {
    internalsOf("io.posrelay.relay").check(classes);
  }

  @Test
  void adminApiInternals_areUsedByAdminApiOnly() {
    internalsOf("io.posrelay.admin").check(classes);
  }

  @Test
  void servicesAndRuntime_neverUseTestSupportBenchOrCli() {
    noClasses().that().resideInAnyPackage("io.posrelay.ingest..", "io.posrelay.relay..",
            "io.posrelay.admin..", "io.posrelay.runtime..", "io.posrelay.v1..",
            "io.posrelay.pos..", "io.posrelay.ilk..")
        .should().dependOnClassesThat().resideInAnyPackage("io.posrelay.testkit..",
            "io.posrelay.bench..", "io.posrelay.relayctl..")
        .check(classes);
  }

  @Test
  void testkitAndBench_neverUseTheCli() {
    noClasses().that().resideInAnyPackage("io.posrelay.testkit..", "io.posrelay.bench..")
        .should().dependOnClassesThat().resideInAPackage("io.posrelay.relayctl..")
        .check(classes);
  }

  @Test
  void noJunkDrawerPackages() {
    noClasses().should().resideInAnyPackage("..util..", "..utils..", "..common..", "..helpers..",
        "..misc..").check(classes);
  }

  /**
   * Classes outside a service use only its root package (its public entry points: keys, server,
   * command). The generated contracts under {@code <root>.v1} belong to proto, not the service.
   */
  private static ArchRule internalsOf(String root) {
    DescribedPredicate<JavaClass> internal = DescribedPredicate.describe(
        "an internal class of " + root, c -> c.getPackageName().startsWith(root + ".")
            && !c.getPackageName().startsWith(root + ".v1"));
    return noClasses().that().resideOutsideOfPackage(root + "..")
        .should().dependOnClassesThat(internal);
  }
}
