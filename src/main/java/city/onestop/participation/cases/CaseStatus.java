package city.onestop.participation.cases;

import java.util.Set;

/**
 * A case's life: SUBMITTED → ACCEPTED → ASSIGNED → REPLIED → CLOSED, or REJECTED (with a reason) by the department,
 * TRANSFERRED to another department (which accepts it again), or WITHDRAWN by its submitter.
 */
public enum CaseStatus {
    SUBMITTED,
    ACCEPTED,
    ASSIGNED,
    REPLIED,
    CLOSED,
    REJECTED,
    TRANSFERRED,
    WITHDRAWN;

    /** States in which the department still owes an answer. */
    public static final Set<CaseStatus> OPEN = Set.of(SUBMITTED, TRANSFERRED, ACCEPTED, ASSIGNED);

    public boolean open() {
        return OPEN.contains(this);
    }
}
