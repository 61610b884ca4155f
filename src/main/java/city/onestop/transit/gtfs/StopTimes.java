package city.onestop.transit.gtfs;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Stop times in columns (328k rows for Halifax would cost ~10x more as objects). Row {@code i} refers to trips and
 * stops by their index in {@link GtfsFeed#trips()} and {@link GtfsFeed#stops()}.
 */
public final class StopTimes {

    private int size;
    private int[] trip = new int[1024];
    private int[] sequence = new int[1024];
    private int[] stop = new int[1024];
    private int[] arrival = new int[1024];
    private int[] departure = new int[1024];
    private double[] distTraveled = new double[1024];
    private byte[] pickup = new byte[1024];
    private byte[] dropOff = new byte[1024];
    private @Nullable String[] headsign = new String[1024];

    void add(int tripIndex, int seq, int stopIndex, int arr, int dep, double dist, int pickupType, int dropOffType,
            @Nullable String stopHeadsign) {
        if (size == trip.length) {
            int n = size * 2;
            trip = Arrays.copyOf(trip, n);
            sequence = Arrays.copyOf(sequence, n);
            stop = Arrays.copyOf(stop, n);
            arrival = Arrays.copyOf(arrival, n);
            departure = Arrays.copyOf(departure, n);
            distTraveled = Arrays.copyOf(distTraveled, n);
            pickup = Arrays.copyOf(pickup, n);
            dropOff = Arrays.copyOf(dropOff, n);
            headsign = Arrays.copyOf(headsign, n);
        }
        trip[size] = tripIndex;
        sequence[size] = seq;
        stop[size] = stopIndex;
        arrival[size] = arr;
        departure[size] = dep;
        distTraveled[size] = dist;
        pickup[size] = (byte) pickupType;
        dropOff[size] = (byte) dropOffType;
        headsign[size] = stopHeadsign;
        size++;
    }

    /** Sorts rows by (trip, sequence) unless they already are, as most feeds write them. */
    void sort() {
        boolean sorted = true;
        for (int i = 1; i < size && sorted; i++) {
            sorted = compare(i - 1, i) <= 0;
        }
        if (sorted) {
            return;
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) order[i] = i;
        Arrays.sort(order, this::compare);
        int[] t = new int[size], q = new int[size], s = new int[size], a = new int[size], d = new int[size];
        double[] dt = new double[size];
        byte[] p = new byte[size], o = new byte[size];
        String[] h = new String[size];
        for (int i = 0; i < size; i++) {
            int j = order[i];
            t[i] = trip[j]; q[i] = sequence[j]; s[i] = stop[j]; a[i] = arrival[j]; d[i] = departure[j];
            dt[i] = distTraveled[j]; p[i] = pickup[j]; o[i] = dropOff[j]; h[i] = headsign[j];
        }
        trip = t; sequence = q; stop = s; arrival = a; departure = d; distTraveled = dt; pickup = p; dropOff = o;
        headsign = h;
    }

    private int compare(int i, int j) {
        int c = Integer.compare(trip[i], trip[j]);
        return c != 0 ? c : Integer.compare(sequence[i], sequence[j]);
    }

    void setTimes(int row, int arr, int dep) {
        arrival[row] = arr;
        departure[row] = dep;
    }

    public int size() { return size; }
    public int trip(int row) { return trip[row]; }
    public int sequence(int row) { return sequence[row]; }
    public int stop(int row) { return stop[row]; }
    public int arrival(int row) { return arrival[row]; }
    public int departure(int row) { return departure[row]; }
    public double distTraveled(int row) { return distTraveled[row]; }
    public int pickup(int row) { return pickup[row]; }
    public int dropOff(int row) { return dropOff[row]; }
    public @Nullable String headsign(int row) { return headsign[row]; }
}
