package city.onestop.participation.publication;

import city.onestop.platform.Masking;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes personal data from a case's text before it is published: resident ID numbers, phone numbers, plate
 * numbers, exact addresses (house numbers, buildings, rooms), and names (the submitter's own, and names introduced
 * as such: 我叫…, 联系人…, a surname with a title such as 先生, "Mr. …", "my name is …"). It errs on the side of
 * masking: a published text loses a little detail rather than leak a person.
 */
public final class PublicTextMasker {

    private static final String SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧";
    private static final String PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

    private record Rule(Pattern pattern, Function<Matcher, String> replacement) {}

    private static final List<Rule> RULES = List.of(
            // Resident ID numbers: 18 characters (the last may be X), or the old 15 digits.
            new Rule(Pattern.compile("(?<![0-9A-Za-z])(\\d{17}[\\dXx]|\\d{15})(?![0-9A-Za-z])"), m -> Masking.idNumber(m.group(1))),
            // Mainland mobile numbers, with or without +86 and separators.
            new Rule(Pattern.compile("(?<!\\d)(?:\\+?86[\\s-]?)?(1[3-9]\\d)[\\s-]?(\\d{4})[\\s-]?(\\d{4})(?!\\d)"),
                    m -> Masking.phone(m.group(1) + m.group(2) + m.group(3))),
            // Landlines: area code and number.
            new Rule(Pattern.compile("(?<!\\d)(0\\d{2,3})[\\s-]?(\\d{7,8})(?!\\d)"), m -> m.group(1) + "-****" + m.group(2).substring(m.group(2).length() - 2)),
            // Plates: 粤A12345, 粤A·D12345 (new energy), 粤 A 1234学.
            new Rule(Pattern.compile("([" + PROVINCES + "])\\s?([A-HJ-NP-Z])[\\s·•.]?[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]"),
                    m -> m.group(1) + m.group(2) + "·*****"),
            // Chinese addresses: a road, street or village and a house number, with any building, unit, floor or room after.
            new Rule(Pattern.compile("(\\p{IsHan}{1,12}?(?:路|街|大道|大街|巷|弄|道|村|里|坊|社区)[东南西北中]?)\\s*[\\d一二三四五六七八九十百零〇-]+\\s*号"
                    + "(?:\\s*[\\dA-Za-z一二三四五六七八九十-]+\\s*(?:号楼|栋|座|幢|楼|单元|层|室|房|号))*"), m -> m.group(1) + "**号"),
            // A building and room without the street: 3栋1202室, 5号楼2单元301.
            new Rule(Pattern.compile("[\\dA-Za-z一二三四五六七八九十]+\\s*(?:号楼|栋|座|幢)\\s*(?:[\\dA-Za-z-]+\\s*(?:单元|层|室|房|号)\\s*)+(?:\\d+(?:室|房|号)?)?"),
                    m -> "**"),
            // English addresses: 12 Renmin Road, Flat 3, 88B Binjiang Avenue.
            new Rule(Pattern.compile("(?:(?i:flat|apt|room|unit)\\s*\\d+[A-Za-z]?,?\\s*)?\\b\\d{1,5}[A-Za-z]?\\s+((?:[A-Z][a-z]+\\s){1,4}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Place)\\b)"),
                    m -> "** " + m.group(1)),
            // Names introduced as such.
            new Rule(Pattern.compile("(我叫|我是|本人|姓名[:：]?\\s*|联系人[:：]?\\s*|患者[:：]?\\s*|司机[:：]?\\s*)([" + SURNAMES + "])(\\p{IsHan}{1,2})(?=[，,。.！!、\\s]|$|先生|女士|师傅)"),
                    m -> m.group(1) + m.group(2) + "*".repeat(m.group(3).length())),
            // A surname and given name with a title: 王小明先生, 李红医生.
            new Rule(Pattern.compile("([" + SURNAMES + "])(\\p{IsHan}{1,2})(先生|女士|小姐|师傅|医生|护士|司机|经理|老师|同志)"),
                    m -> m.group(1) + "*".repeat(m.group(2).length()) + m.group(3)),
            new Rule(Pattern.compile("\\b(Mr|Mrs|Ms|Miss|Dr)\\.?\\s+[A-Z][a-z]+(?:\\s+[A-Z][a-z]+)?"), m -> m.group(1) + ". ***"),
            new Rule(Pattern.compile("(?i)\\b(my name is|i am called|contact:?)\\s+[A-Z][a-z]+(?:\\s+[A-Z][a-z]+)?"), m -> m.group(1) + " ***"));

    private PublicTextMasker() {}

    /** The text with personal data masked; {@code knownNames} (the submitter's real name) are masked wherever they appear. */
    public static String mask(String text, List<String> knownNames) {
        if (text == null) return null;
        String out = text;
        for (String name : knownNames) {
            if (name != null && name.strip().length() >= 2) {
                String n = name.strip();
                out = out.replace(n, n.substring(0, 1) + "*".repeat(n.codePointCount(0, n.length()) - 1));
            }
        }
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement(rule.replacement().apply(m)));
            }
            m.appendTail(sb);
            out = sb.toString();
        }
        return out;
    }

    public static String mask(String text) {
        return mask(text, List.of());
    }
}
