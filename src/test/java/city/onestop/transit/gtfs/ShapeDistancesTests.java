package city.onestop.transit.gtfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import city.onestop.transit.schedule.Polyline;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShapeDistancesTests {

    // ~1 km east along the equator and back, points every 0.001 degrees (~111 m)
    static Polyline outAndBack() {
        int n = 21;
        double[] lats = new double[n], lons = new double[n];
        for (int i = 0; i < n; i++) {
            lats[i] = 0;
            lons[i] = i <= 10 ? i * 0.001 : (20 - i) * 0.001;
        }
        return new Polyline(lats, lons);
    }

    @Test
    void outAndBackStopsOnTheReturnLegAreProjectedOntoTheReturnLeg() {
        var line = outAndBack();
        double[] lats = {0.0001, 0.0001, 0.0001, -0.0001, -0.0001};
        double[] lons = {0.0, 0.005, 0.010, 0.005, 0.0};
        var p = ShapeDistances.place(line, lats, lons, nan(5));
        double leg = line.lengthMeters() / 2;
        assertThat(p.alongMeters()[0]).isCloseTo(0, within(1.0));
        assertThat(p.alongMeters()[1]).isCloseTo(leg / 2, within(2.0));
        assertThat(p.alongMeters()[3]).isCloseTo(leg * 1.5, within(2.0));
        assertThat(p.alongMeters()[4]).isCloseTo(line.lengthMeters(), within(2.0));
        assertMonotonic(p.alongMeters());
        assertThat(Arrays.stream(p.offsetMeters()).max().getAsDouble()).isLessThan(15);
    }

    @Test
    void aLoopsFirstAndLastStopTakeTheStartAndTheEnd() {
        // a square loop of ~444 m per side, back to its start
        double[] lats = {0, 0, 0.004, 0.004, 0}, lons = {0, 0.004, 0.004, 0, 0};
        var line = new Polyline(lats, lons);
        var p = ShapeDistances.place(line, new double[] {0, 0, 0.004, 0}, new double[] {0, 0.004, 0.002, 0}, nan(4));
        assertThat(p.alongMeters()[0]).isCloseTo(0, within(1.0));
        assertThat(p.alongMeters()[3]).isCloseTo(line.lengthMeters(), within(1.0));
        assertMonotonic(p.alongMeters());
    }

    @Test
    void stopsOutOfOrderStillGetMonotonicDistances() {
        var line = outAndBack();
        // the second stop lies behind the first on the way out: placement must not go backwards
        var p = ShapeDistances.place(line, new double[] {0, 0, 0}, new double[] {0.006, 0.004, 0.009}, nan(3));
        assertMonotonic(p.alongMeters());
    }

    static void assertMonotonic(double[] d) {
        for (int i = 1; i < d.length; i++) assertThat(d[i]).isGreaterThanOrEqualTo(d[i - 1]);
    }

    static double[] nan(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }
}
