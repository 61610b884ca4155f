package city.onestop.platform;

/** The roles a OneStop principal can hold; carried in the access token's {@code roles} claim. */
public enum Role {
    CITIZEN,
    HOSPITAL_STAFF,
    UTILITY_OPERATOR,
    ADMIN;

    public String authority() {
        return "ROLE_" + name();
    }
}
