/** Citizen identity: one account per resident (phone, password, verified ID card), login, tokens and roles. */
@org.springframework.modulith.ApplicationModule(displayName = "Citizen")
package city.onestop.citizen;
