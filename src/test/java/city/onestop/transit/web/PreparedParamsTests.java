package city.onestop.transit.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** The prepared reads' query parser gives what the framework's parser gives, for the queries it is handed. */
class PreparedParamsTests {

    private static MockServerHttpRequest request(String query) {
        return MockServerHttpRequest.method(HttpMethod.GET, URI.create("http://localhost/api/v1/transit/stops?" + query)).build();
    }

    @Test
    void parsesPlainQueriesAsTheFrameworkDoes() {
        List<String> queries = List.of("lat=23.13&lon=113.27&radius=500", "minutesBefore=5&minutesAfter=35",
                "a=1&a=2&b", "a=&b=x", "=x=y&c", "a==b", "&&a=1&&", "==&a", "feedId=demo+city&x=1+2", "duration=60",
                "a=b=c&a", "x");
        for (String q : queries) {
            MockServerHttpRequest r = request(q);
            assertThat(PreparedParams.query(r)).as(q).isEqualTo(r.getQueryParams());
        }
    }

    @Test
    void leavesPercentEncodingToTheFramework() {
        MockServerHttpRequest r = request("feedId=demo%20city");
        assertThat(PreparedParams.query(r).getFirst("feedId")).isEqualTo("demo city");
    }
}
