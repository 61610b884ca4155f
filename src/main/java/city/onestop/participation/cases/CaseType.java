package city.onestop.participation.cases;

/** What the citizen files: 投诉, 建议, 咨询, 表扬. */
public enum CaseType {
    COMPLAINT,
    SUGGESTION,
    ENQUIRY,
    PRAISE
}
