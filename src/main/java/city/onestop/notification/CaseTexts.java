package city.onestop.notification;

import city.onestop.participation.CaseUpdated;

/** The notice texts for case changes, zh-CN then en (until the platform message bundles carry them). */
final class CaseTexts {

    record Text(String title, String body) {}

    private CaseTexts() {}

    static Text of(CaseUpdated e) {
        String ref = e.reference();
        String dept = e.departmentName();
        String deptEn = e.departmentNameEn();
        String note = e.note() == null ? "" : e.note();
        return switch (e.kind()) {
            case "SUBMITTED" -> text("诉求已提交 Case filed",
                    "您的诉求（" + ref + "）已提交，已转交" + dept + "办理。",
                    "Your case " + ref + " was filed and sent to " + deptEn + ".");
            case "ACCEPTED" -> text("诉求已受理 Case accepted",
                    dept + "已受理您的诉求（" + ref + "）。",
                    deptEn + " accepted your case " + ref + ".");
            case "ASSIGNED" -> text("诉求办理中 Case in progress",
                    "您的诉求（" + ref + "）已由" + dept + "安排专人办理。",
                    "Someone at " + deptEn + " is now handling your case " + ref + ".");
            case "REPLIED" -> text("诉求已答复 Case answered",
                    dept + "答复了您的诉求（" + ref + "）：" + note,
                    deptEn + " answered your case " + ref + ": " + note);
            case "TRANSFERRED" -> text("诉求已转办 Case transferred",
                    "您的诉求（" + ref + "）已转交" + dept + "办理。" + (note.isEmpty() ? "" : "原因：" + note),
                    "Your case " + ref + " was passed to " + deptEn + "." + (note.isEmpty() ? "" : " Reason: " + note));
            case "REJECTED" -> text("诉求未予受理 Case not accepted",
                    "您的诉求（" + ref + "）未予受理。原因：" + note,
                    "Your case " + ref + " was not accepted. Reason: " + note);
            case "CLOSED", "CONFIRMED" -> text("诉求已办结 Case closed",
                    "您的诉求（" + ref + "）已办结，欢迎评价。",
                    "Your case " + ref + " is closed. You can rate how it was handled.");
            case "WITHDRAWN" -> text("诉求已撤回 Case withdrawn",
                    "您已撤回诉求（" + ref + "）。", "You withdrew your case " + ref + ".");
            case "REOPENED" -> text("诉求已重新办理 Case reopened",
                    "您的诉求（" + ref + "）已重新交由" + dept + "办理。",
                    "Your case " + ref + " was reopened with " + deptEn + ".");
            case "OVERDUE" -> text("诉求办理超时 Case overdue",
                    "您的诉求（" + ref + "）已超过办理时限，已督办" + dept + "。",
                    "Your case " + ref + " is overdue; " + deptEn + " has been reminded.");
            default -> text("诉求有更新 Case updated",
                    "您的诉求（" + ref + "）有新进展。", "There is news on your case " + ref + ".");
        };
    }

    private static Text text(String title, String zh, String en) {
        return new Text(title, zh + "\n" + en);
    }
}
