package city.onestop;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
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

    @Test
    void bookingPersistenceRaisesDomainErrorsNotHttpProblems() {
        noClasses().that().resideInAPackage("city.onestop.booking..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework.http..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("city.onestop.platform.ProblemException")
                .because("repositories raise booking's domain errors; booking/web maps them to problem+json (STYLE.md)")
                .check(MAIN);
    }

    @Test
    void billingRepositoriesRaiseDomainErrorsNotHttpProblems() {
        noClasses().that().resideInAPackage("city.onestop.billing..").and().haveSimpleNameEndingWith("Repository")
                .should().dependOnClassesThat().resideInAPackage("org.springframework.http..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("city.onestop.platform.ProblemException")
                .because("persistence raises billing's domain errors; billing's web/ maps them to problem+json")
                .check(MAIN);
    }

    @Test
    void citizenRepositoriesRaiseDomainErrorsNotHttpProblems() {
        noClasses().that(DescribedPredicate.describe("are the citizen module's repositories and stores",
                        c -> c.getPackageName().startsWith("city.onestop.citizen")
                                && (c.getSimpleName().endsWith("Repository") || c.getSimpleName().endsWith("Store"))))
                .should().dependOnClassesThat().resideInAPackage("org.springframework.http..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("city.onestop.platform.ProblemException")
                .because("repositories raise the citizen module's domain errors; citizen/web maps them to problem+json (STYLE.md)")
                .check(MAIN);
    }

    @Test
    void billingRepositoriesArePackagePrivate() {
        classes().that().resideInAPackage("city.onestop.billing..").and().haveSimpleNameEndingWith("Repository")
                .should().notBePublic()
                .because("a module's use cases are its face; its repositories are theirs alone")
                .check(MAIN);
    }

    @Test
    void bookingAndCitizenControllersOpenNoTransactions() {
        noClasses().that().resideInAnyPackage("city.onestop.booking..", "city.onestop.citizen..")
                .and().areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
                .should().dependOnClassesThat().haveFullyQualifiedName(
                        "org.springframework.transaction.reactive.TransactionalOperator")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(
                        "org.springframework.transaction.ReactiveTransactionManager")
                .because("the use-case services own the transactions (one injected TransactionalOperator); controllers map HTTP")
                .check(MAIN);
    }

    @Test
    void billingUsesTheOneTransactionalOperator() {
        noClasses().that().resideInAPackage("city.onestop.billing..")
                .should().callMethod(org.springframework.transaction.reactive.TransactionalOperator.class, "create",
                        org.springframework.transaction.ReactiveTransactionManager.class)
                .because("the use cases share the application's TransactionalOperator instead of building their own")
                .check(MAIN);
    }
}
