package city.onestop.billing.account;

import city.onestop.billing.BillingError;
import city.onestop.billing.Utility;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses and validates an operator's account file (CSV with a header row, or a JSON array), row by row.
 * Every bad row is reported with its line (CSV) or index (JSON); a file with any bad row loads nothing.
 * CPU-bound and synchronous: callers run it on boundedElastic.
 */
public final class AccountImport {

    public static final List<String> COLUMNS =
            List.of("utility", "accountNumber", "serviceAddress", "householdSize", "holderName", "holderIdLast4", "initialReading",
                    "holderIdNumber", "holderPhone");
    private static final Pattern CHINA_MOBILE = Pattern.compile("1[3-9][0-9]{9}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern ACCOUNT_NUMBER = Pattern.compile("[A-Za-z0-9-]{1,32}");
    private static final Pattern ID_LAST4 = Pattern.compile("[0-9]{3}[0-9Xx]");
    private static final int MAX_ERRORS = 100;

    private AccountImport() {}

    public static List<AccountRow> parseCsv(String text) {
        List<AccountRow> rows = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> header = null;
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ignoreDifferentFieldCount(true).ofCsvRecord(text)) {
            for (CsvRecord rec : reader) {
                long line = rec.getStartingLineNumber();
                if (header == null) {
                    header = rec.getFields().stream().map(String::trim).toList();
                    if (!header.containsAll(COLUMNS.subList(0, 6))) {
                        throw invalid("The CSV header must name the columns " + COLUMNS
                                        + " (initialReading, holderIdNumber, holderPhone optional)",
                                List.of(error(line, null, "header is " + header)));
                    }
                    continue;
                }
                if (rec.getFieldCount() == 1 && rec.getField(0).isBlank()) {
                    continue;
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    values.put(header.get(i), i < rec.getFieldCount() ? rec.getField(i).trim() : null);
                }
                if (rec.getFieldCount() != header.size()) {
                    errors.add(error(line, null, "has " + rec.getFieldCount() + " fields, the header has " + header.size()));
                    continue;
                }
                validate(line, values, rows, errors, seen);
                if (errors.size() >= MAX_ERRORS) {
                    break;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof BillingError b) {
                throw b;
            }
            throw invalid("The file is not valid CSV: " + e.getMessage(), List.of());
        }
        if (header == null) {
            throw invalid("The file is empty", List.of());
        }
        return finish(rows, errors);
    }

    public static List<AccountRow> parseJson(String text, JsonMapper json) {
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (RuntimeException e) {
            throw invalid("The file is not valid JSON", List.of());
        }
        if (root == null || !root.isArray()) {
            throw invalid("The JSON file must be an array of accounts", List.of());
        }
        List<AccountRow> rows = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            Map<String, String> values = new LinkedHashMap<>();
            for (String c : COLUMNS) {
                JsonNode v = node.get(c);
                values.put(c, v == null || v.isNull() ? null : v.asString().trim());
            }
            validate(i, values, rows, errors, seen);
            if (errors.size() >= MAX_ERRORS) {
                break;
            }
        }
        return finish(rows, errors);
    }

    /** Validates a single account (the create endpoint); problems are added to {@code errors} without a line. */
    public static void validateOne(Map<String, String> values, List<AccountRow> rows, List<Map<String, Object>> errors) {
        validate(0, values, rows, errors, new HashSet<>());
        errors.forEach(e -> e.remove("line"));
    }

    /** Validates one account; adds it to {@code rows} or its problems to {@code errors}. */
    static void validate(long line, Map<String, String> v, List<AccountRow> rows, List<Map<String, Object>> errors, Set<String> seen) {
        int before = errors.size();
        Utility utility = null;
        String u = v.get("utility");
        try {
            utility = u == null ? null : Utility.valueOf(u.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (utility == null) {
            errors.add(error(line, "utility", "must be WATER or ELECTRICITY"));
        }
        String number = v.get("accountNumber");
        if (number == null || !ACCOUNT_NUMBER.matcher(number).matches()) {
            errors.add(error(line, "accountNumber", "must be 1–32 letters, digits or '-'"));
        } else if (utility != null && !seen.add(utility + "/" + number)) {
            errors.add(error(line, "accountNumber", "appears twice in this file"));
        }
        String address = v.get("serviceAddress");
        if (address == null || address.isBlank() || address.length() > 500) {
            errors.add(error(line, "serviceAddress", "is required (at most 500 characters)"));
        }
        int household = 0;
        try {
            household = Integer.parseInt(String.valueOf(v.get("householdSize")));
        } catch (NumberFormatException e) {
            // reported below
        }
        if (household < 1 || household > 50) {
            errors.add(error(line, "householdSize", "must be a whole number from 1 to 50"));
        }
        String name = v.get("holderName");
        if (name == null || name.isBlank() || name.length() > 200) {
            errors.add(error(line, "holderName", "is required (at most 200 characters)"));
        }
        String last4 = v.get("holderIdLast4");
        if (last4 == null || !ID_LAST4.matcher(last4).matches()) {
            errors.add(error(line, "holderIdLast4", "must be the last 4 characters of the holder's ID number"));
        }
        BigDecimal initial = BigDecimal.ZERO;
        String ir = v.get("initialReading");
        if (ir != null && !ir.isBlank()) {
            try {
                initial = new BigDecimal(ir);
                if (initial.signum() < 0 || initial.scale() > 3) {
                    errors.add(error(line, "initialReading", "must be a non-negative number with at most 3 decimals"));
                }
            } catch (NumberFormatException e) {
                errors.add(error(line, "initialReading", "must be a number"));
            }
        }
        String idNumber = blankToNull(v.get("holderIdNumber"));
        if (idNumber != null) {
            idNumber = idNumber.toUpperCase(Locale.ROOT);
            if (!city.onestop.citizen.ResidentIds.isValid(idNumber)) {
                errors.add(error(line, "holderIdNumber", "must be a valid 18-character resident ID number"));
            } else if (last4 != null && !idNumber.endsWith(last4.toUpperCase(Locale.ROOT))) {
                errors.add(error(line, "holderIdNumber", "does not end with holderIdLast4"));
            }
        }
        String phone = blankToNull(v.get("holderPhone"));
        if (phone != null) {
            phone = phone.replace(" ", "").replace("-", "");
            if (CHINA_MOBILE.matcher(phone).matches()) {
                phone = "+86" + phone;
            }
            if (!E164.matcher(phone).matches()) {
                errors.add(error(line, "holderPhone", "must be a mainland mobile number or an E.164 number (+8613800138000)"));
            }
        }
        if (errors.size() == before) {
            rows.add(new AccountRow(utility, number, address.trim(), household, name.trim(), last4.toUpperCase(Locale.ROOT), initial,
                    idNumber, phone));
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<AccountRow> finish(List<AccountRow> rows, List<Map<String, Object>> errors) {
        if (!errors.isEmpty()) {
            throw invalid(errors.size() + " row(s) are invalid; nothing was imported", errors);
        }
        if (rows.isEmpty()) {
            throw invalid("The file has no accounts", List.of());
        }
        return rows;
    }

    private static Map<String, Object> error(long line, String field, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("line", line);
        if (field != null) {
            e.put("field", field);
        }
        e.put("message", message);
        return e;
    }

    private static BillingError invalid(String detail, List<Map<String, Object>> errors) {
        return new BillingError.ImportInvalid(detail, errors);
    }
}
