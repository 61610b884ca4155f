package city.onestop.participation.publication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every expected text here was written by hand from the input, not produced by the masker. */
class PublicTextMaskerTests {

    @Test
    void masksMobileAndLandlineNumbers() {
        assertThat(PublicTextMasker.mask("请回电13800138000")).isEqualTo("请回电138****8000");
        assertThat(PublicTextMasker.mask("call +86 138 0013 8000 please")).isEqualTo("call 138****8000 please");
        assertThat(PublicTextMasker.mask("办公室电话020-83335555")).isEqualTo("办公室电话020-****55");
    }

    @Test
    void masksResidentIdNumbers() {
        assertThat(PublicTextMasker.mask("身份证号440106199001011234，")).isEqualTo("身份证号4401**********1234，");
        assertThat(PublicTextMasker.mask("ID 11010519491231002X.")).isEqualTo("ID 1101**********002X.");
    }

    @Test
    void masksPlateNumbers() {
        assertThat(PublicTextMasker.mask("车牌粤A12345的司机闯红灯")).isEqualTo("车牌粤A·*****的司机闯红灯");
        assertThat(PublicTextMasker.mask("新能源车粤B·D12345乱停")).isEqualTo("新能源车粤B·*****乱停");
    }

    @Test
    void masksExactAddressesButKeepsTheStreet() {
        assertThat(PublicTextMasker.mask("我住在中山大道西88号3栋1202室，楼下积水")).isEqualTo("我住在中山大道西**号，楼下积水");
        assertThat(PublicTextMasker.mask("小区5号楼2单元301漏水")).isEqualTo("小区**漏水");
        assertThat(PublicTextMasker.mask("the shelter at 12 Renmin Road is broken")).isEqualTo("the shelter at ** Renmin Road is broken");
    }

    @Test
    void masksNamesIntroducedAsSuchAndTheSubmittersOwn() {
        assertThat(PublicTextMasker.mask("我叫张伟，住附近")).isEqualTo("我叫张*，住附近");
        assertThat(PublicTextMasker.mask("王小明先生态度很好")).isEqualTo("王**先生态度很好");
        assertThat(PublicTextMasker.mask("Mr. Wang Wei was rude")).isEqualTo("Mr. *** was rude");
        assertThat(PublicTextMasker.mask("my name is Li Lei and")).isEqualTo("my name is *** and");
        assertThat(PublicTextMasker.mask("欧阳娜娜反映", List.of("欧阳娜娜"))).isEqualTo("欧***反映");
    }

    @Test
    void leavesTextWithoutPersonalDataAlone() {
        String text = "12路公交车在体育西路站没有停靠，2026年3月5日早上8点，等了15分钟。Route 12 was 15 minutes late.";
        assertThat(PublicTextMasker.mask(text)).isEqualTo(text);
        assertThat(PublicTextMasker.mask(null)).isNull();
    }
}
