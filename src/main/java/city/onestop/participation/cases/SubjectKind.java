package city.onestop.participation.cases;

/** What a case is about, when it names something of another service; it decides the routing. */
public enum SubjectKind {
    STOP,
    ROUTE,
    ACCOUNT,
    BILL,
    APPOINTMENT,
    HOSPITAL
}
