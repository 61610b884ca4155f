package fakes;

import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A MockWebServer dispatcher that answers with a function. It lives outside {@code city.onestop} on purpose:
 * springdoc scans the application's packages (test classes included) on the first {@code /v3/api-docs}
 * request, on an event-loop thread, and a class there extending a jar class it has not read yet (like
 * {@link Dispatcher}) makes it read that jar, which BlockHound rejects.
 */
public final class ScriptedDispatcher extends Dispatcher {

    private final Function<RecordedRequest, MockResponse> answer;

    public ScriptedDispatcher(Function<RecordedRequest, MockResponse> answer) {
        this.answer = answer;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        return answer.apply(request);
    }
}
