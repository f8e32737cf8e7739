package com.marketplace.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Layering rules that keep the domain free of frameworks and the HTTP layer out of JDBC. */
@AnalyzeClasses(packages = "com.marketplace.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainKnowsNoFramework = noClasses()
            .that().resideInAPackage("com.marketplace.gateway.order")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "java.sql..", "javax.sql..", "io.javalin..", "org.apache.kafka..", "com.zaxxer..",
                    "org.flywaydb..", "com.fasterxml.jackson..", "io.micrometer..")
            .as("order domain classes import no java.sql, io.javalin, org.apache.kafka or other frameworks");

    @ArchTest
    static final ArchRule httpDoesNotTouchJdbc = noClasses()
            .that().resideInAPackage("com.marketplace.gateway.http..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "com.marketplace.gateway.order.jdbc..");

    @ArchTest
    static final ArchRule outboxRelaySeesOnlyItsStorePort = noClasses()
            .that().resideInAPackage("com.marketplace.gateway.outbox")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "java.sql..", "javax.sql..", "com.marketplace.gateway.db..", "com.marketplace.gateway.outbox.jdbc..")
            .as("the outbox relay, its upkeep and admin reach storage only through OutboxTransactions/OutboxStore");
}
