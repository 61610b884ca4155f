package city.onestop;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Rules for production code that a reviewer would otherwise have to remember. */
class ArchitectureTests {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("city.onestop");

    @Test
    void productionCodeNeverBlocksOnAPublisher() {
        noClasses().should().callMethodWhere(DescribedPredicate.describe("a block*() call on Mono or Flux", call -> {
                    String owner = call.getTarget().getOwner().getName();
                    String name = call.getTarget().getName();
                    return (owner.equals("reactor.core.publisher.Mono") || owner.equals("reactor.core.publisher.Flux"))
                            && name.startsWith("block");
                }))
                .because("nothing may block an event-loop thread; compose the publisher instead")
                .check(MAIN);
    }

    @Test
    void productionCodeNeverSleeps() {
        noClasses().should().callMethod(Thread.class, "sleep", long.class)
                .because("timed work uses Reactor's schedulers so virtual time controls it in tests")
                .check(MAIN);
    }

    @Test
    void productionCodeNeverQueriesThroughJdbc() {
        noClasses().should().dependOnClassesThat().resideInAPackage("java.sql..")
                .because("queries go through R2DBC; JDBC is used by Flyway alone, for migrating")
                .check(MAIN);
    }

    /** The repositories (and the citizen module's stores) of the modules with a use-case layer. */
    private static final DescribedPredicate<JavaClass> REPOSITORIES = DescribedPredicate.describe(
            "are repositories or stores of billing, booking or citizen",
            c -> c.getPackageName().matches("city\\.onestop\\.(billing|booking|citizen)(\\..*)?")
                    && (c.getSimpleName().endsWith("Repository") || c.getSimpleName().endsWith("Store")));

    /** Not yet moved: transit/web is another change's (remove the exception once it calls a transit use case). */
    private static final String TRANSIT_ADMIN = "city.onestop.transit.web.TransitAdminController";

    @Test
    void repositoriesRaiseDomainErrorsNotHttpProblems() {
        noClasses().that(REPOSITORIES)
                .should().dependOnClassesThat().resideInAPackage("org.springframework.http..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("city.onestop.platform.ProblemException")
                .because("repositories raise their module's domain errors; the module's web/ maps them to problem+json (STYLE.md)")
                .check(MAIN);
    }

    @Test
    void billingAndBookingRaiseProblemsOnlyAtTheirEdges() {
        noClasses().that().resideInAnyPackage("city.onestop.billing..", "city.onestop.booking..")
                .and().resideOutsideOfPackages("city.onestop.billing.web..", "city.onestop.booking.web..",
                        "city.onestop.booking.fhir..")
                .should().dependOnClassesThat().haveFullyQualifiedName("city.onestop.platform.ProblemException")
                .because("use cases, repositories and parsers raise the module's domain errors; web/ (and booking's fhir/) "
                        + "answer with problems")
                .check(MAIN);
    }

    @Test
    void repositoriesArePackagePrivate() {
        classes().that(REPOSITORIES)
                .should().notBePublic()
                .because("a module's use cases are its face; its repositories are theirs alone")
                .check(MAIN);
    }

    @Test
    void onlyRepositoriesTalkToTheDatabase() {
        noClasses().that().resideInAnyPackage("city.onestop.billing..", "city.onestop.booking..", "city.onestop.citizen..")
                .and(DescribedPredicate.not(REPOSITORIES))
                .should().dependOnClassesThat().haveFullyQualifiedName("org.springframework.r2dbc.core.DatabaseClient")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.r2dbc.spi.ConnectionFactory")
                .because("statements live in repositories; use cases compose them inside their transactions")
                .check(MAIN);
    }

    @Test
    void controllersOpenNoTransactions() {
        noClasses().that().areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
                .and().doNotHaveFullyQualifiedName(TRANSIT_ADMIN)
                .should().dependOnClassesThat().haveFullyQualifiedName(
                        "org.springframework.transaction.reactive.TransactionalOperator")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(
                        "org.springframework.transaction.ReactiveTransactionManager")
                .because("the use-case services own the transactions (one injected TransactionalOperator); controllers map HTTP")
                .check(MAIN);
    }

    @Test
    void everyoneUsesTheOneTransactionalOperator() {
        noClasses().that().doNotHaveFullyQualifiedName(TRANSIT_ADMIN)
                .should().callMethod(org.springframework.transaction.reactive.TransactionalOperator.class, "create",
                        org.springframework.transaction.ReactiveTransactionManager.class)
                .because("the use cases share the application's TransactionalOperator instead of building their own")
                .check(MAIN);
    }

    @Test
    void webAndFhirReachBookingThroughItsUseCases() {
        noClasses().that().resideInAnyPackage("city.onestop.booking.web..", "city.onestop.booking.fhir..")
                .should().dependOnClassesThat(REPOSITORIES)
                .because("controllers call the use cases, which own the transactions and the audit rows")
                .check(MAIN);
    }
}
