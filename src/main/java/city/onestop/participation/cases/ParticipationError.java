package city.onestop.participation.cases;

/**
 * A refusal of a participation use case, with a stable {@code code}; the web layer maps {@link Kind} to an HTTP
 * status. Stores and services raise these, never HTTP errors.
 */
public final class ParticipationError extends RuntimeException {

    public enum Kind {
        NOT_FOUND,
        INVALID,
        UNPROCESSABLE,
        CONFLICT,
        FORBIDDEN,
        UNSUPPORTED_MEDIA,
        TOO_MANY
    }

    private final Kind kind;
    private final String code;

    public ParticipationError(Kind kind, String code, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public static ParticipationError caseNotFound(Object id) {
        return new ParticipationError(Kind.NOT_FOUND, "CASE_NOT_FOUND", "Case " + id + " does not exist or is not yours to see");
    }

    public static ParticipationError stateConflict(String action, CaseStatus status) {
        return new ParticipationError(Kind.CONFLICT, "CASE_STATE_CONFLICT",
                "The case is " + status + ": it cannot be " + action + " now (another change may have come first)");
    }

    public static ParticipationError invalid(String code, String detail) {
        return new ParticipationError(Kind.INVALID, code, detail);
    }

    public static ParticipationError unprocessable(String code, String detail) {
        return new ParticipationError(Kind.UNPROCESSABLE, code, detail);
    }

    public static ParticipationError forbidden(String code, String detail) {
        return new ParticipationError(Kind.FORBIDDEN, code, detail);
    }
}
