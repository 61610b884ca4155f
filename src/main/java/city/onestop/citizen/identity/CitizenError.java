package city.onestop.citizen.identity;

import java.util.Map;

/**
 * The citizen module's domain errors (accounts, sessions, password resets, personal data): a stable {@code code},
 * a readable detail and extra members, no HTTP status. {@code citizen/web} maps each kind to its problem+json
 * answer (status and title).
 */
public abstract class CitizenError extends RuntimeException {

    private final String code;
    private final Map<String, Object> extra;

    CitizenError(String code, String detail) {
        this(code, detail, Map.of());
    }

    CitizenError(String code, String detail, Map<String, Object> extra) {
        super(detail, null, false, false);
        this.code = code;
        this.extra = Map.copyOf(extra);
    }

    public String code() {
        return code;
    }

    public Map<String, Object> extra() {
        return extra;
    }

    // ---------------------------------------------------------------- registration and accounts

    public static final class InvalidIdNumber extends CitizenError {
        InvalidIdNumber() {
            super("INVALID_ID_NUMBER", "The ID number is not valid");
        }
    }

    public static final class PhoneTaken extends CitizenError {
        PhoneTaken() {
            super("PHONE_TAKEN", "A citizen with this phone number is already registered");
        }
    }

    public static final class IdNumberTaken extends CitizenError {
        IdNumberTaken() {
            super("ID_NUMBER_TAKEN", "A citizen with this ID number is already registered");
        }
    }

    public static final class CitizenNotFound extends CitizenError {
        CitizenNotFound(Object id) {
            super("CITIZEN_NOT_FOUND", "There is no citizen " + id);
        }
    }

    public static final class PasswordTooLong extends CitizenError {
        PasswordTooLong() {
            super("PASSWORD_TOO_LONG", "A password may be at most 72 bytes");
        }
    }

    /** Every password-hashing thread is busy and the queue is full. */
    public static final class HashingBusy extends CitizenError {
        HashingBusy() {
            super("SERVICE_BUSY", "Too many logins at once; try again shortly", Map.of("retryAfterSeconds", 1));
        }
    }

    // ---------------------------------------------------------------- sessions

    public static final class InvalidCredentials extends CitizenError {
        InvalidCredentials(Map<String, Object> extra) {
            super("INVALID_CREDENTIALS", "The phone number or password is wrong", extra);
        }
    }

    public static final class LoginLocked extends CitizenError {
        LoginLocked(long retryAfterSeconds) {
            super("LOGIN_LOCKED", "Too many failed logins for this phone number; try again later",
                    Map.of("retryAfterSeconds", retryAfterSeconds));
        }
    }

    public static final class TooManyLoginAttempts extends CitizenError {
        TooManyLoginAttempts(String what, long retryAfterSeconds) {
            super("TOO_MANY_LOGIN_ATTEMPTS", "Too many login attempts from " + what + "; try again later",
                    Map.of("retryAfterSeconds", retryAfterSeconds));
        }
    }

    public static final class InvalidRefreshToken extends CitizenError {
        InvalidRefreshToken() {
            super("INVALID_REFRESH_TOKEN", "The refresh token is unknown, expired, used or revoked; log in again");
        }
    }

    // ---------------------------------------------------------------- password reset

    public static final class PasswordResetLimited extends CitizenError {
        PasswordResetLimited(long retryAfterSeconds) {
            super("PASSWORD_RESET_LIMITED", "Too many password reset requests; try again later",
                    Map.of("retryAfterSeconds", retryAfterSeconds));
        }
    }

    public static final class PasswordResetLocked extends CitizenError {
        PasswordResetLocked(long retryAfterSeconds) {
            super("PASSWORD_RESET_LOCKED", "Too many wrong codes for this phone; try again later",
                    Map.of("retryAfterSeconds", retryAfterSeconds));
        }
    }

    public static final class PasswordResetCodeInvalid extends CitizenError {
        PasswordResetCodeInvalid() {
            super("PASSWORD_RESET_CODE_INVALID",
                    "The code is wrong, expired or already used, or was not sent to this phone; request a new one if needed");
        }
    }

    // ---------------------------------------------------------------- personal data

    public static final class ErasureLocked extends CitizenError {
        ErasureLocked(long retryAfterSeconds) {
            super("ERASURE_LOCKED", "Too many wrong passwords; try again later", Map.of("retryAfterSeconds", retryAfterSeconds));
        }
    }

    public static final class PasswordIncorrect extends CitizenError {
        PasswordIncorrect() {
            super("PASSWORD_INCORRECT", "The password does not match; the account was not deleted");
        }
    }

    public static final class AdminNotErasable extends CitizenError {
        AdminNotErasable() {
            super("ADMIN_NOT_ERASABLE", "An administrator's account cannot erase itself; another administrator removes the role first");
        }
    }

    // ---------------------------------------------------------------- language and favourite stops (contact/, favorites/)

    /** Something of the signed-in citizen's that is not there, answered as the platform's {@code NOT_FOUND}. */
    public static final class NotFound extends CitizenError {
        public NotFound(String what, String id) {
            super("NOT_FOUND", what + " " + id + " does not exist");
        }
    }

    public static final class InvalidLanguage extends CitizenError {
        public InvalidLanguage() {
            super("INVALID_LANGUAGE", "language must be one of zh-CN, en");
        }
    }

    public static final class InvalidStopId extends CitizenError {
        public InvalidStopId() {
            super("INVALID_STOP_ID", "stopId is at most 200 characters");
        }
    }

    public static final class FavoritesLimit extends CitizenError {
        public FavoritesLimit(int max) {
            super("FAVORITES_LIMIT", "At most " + max + " favourite stops; remove one first");
        }
    }
}
