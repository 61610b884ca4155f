package city.onestop.platform.embedded;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stops the embedded servers after everything else in the context has stopped (the lowest phase stops
 * last), so a graceful shutdown finishes its in-flight requests against a live database. A context the test
 * framework pauses (Spring Framework 7 stops the lifecycle of a cached context while another runs) keeps its claim:
 * a pause is not a close, and releasing then would stop the servers under the paused context.
 */
@Component
@ConditionalOnProperty(name = "onestop.embedded.active", havingValue = "true")
class EmbeddedServersLifecycle implements SmartLifecycle {

    private volatile boolean running;

    @Override
    public void start() {
        EmbeddedServers.retain();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        EmbeddedServers.release();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 100;
    }
}
