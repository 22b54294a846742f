package io.streamwatch.detect;

import static io.streamwatch.detect.AnomalyLifecycle.Transition.NONE;
import static io.streamwatch.detect.AnomalyLifecycle.Transition.OPENED;
import static io.streamwatch.detect.AnomalyLifecycle.Transition.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.detect.AnomalyLifecycle.Transition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyLifecycleTest {

    private final AnomalyLifecycle lifecycle = new AnomalyLifecycle(0.6, 0.3, 3);

    @Test
    void opensAtTheOpenThresholdAndRemembersTheWindow() {
        LifecycleState state = new LifecycleState();

        assertThat(observe(state, 0.59, 0.6)).containsExactly(NONE, OPENED);
        assertThat(state.open).isTrue();
        assertThat(state.openedWindowStart).isEqualTo(1L);
        assertThat(state.openedScore).isEqualTo(0.6);
    }

    @Test
    void aScoreHoveringAroundTheOpenThresholdOpensOnce() {
        LifecycleState state = new LifecycleState();

        List<Transition> transitions = observe(state, 0.61, 0.59, 0.61, 0.59, 0.61, 0.59, 0.61, 0.4, 0.35);

        assertThat(transitions).containsOnlyOnce(OPENED).doesNotContain(RESOLVED);
        assertThat(state.openedWindowStart).isEqualTo(0L);
    }

    @Test
    void resolvesAfterResolveAfterConsecutiveNormalScores() {
        LifecycleState state = new LifecycleState();

        assertThat(observe(state, 0.9, 0.1, 0.1, 0.1)).containsExactly(OPENED, NONE, NONE, RESOLVED);
        assertThat(state.open).isFalse();
        assertThat(state.normalStreak).isZero();
    }

    @Test
    void aScoreAtTheResolveThresholdRestartsTheCount() {
        LifecycleState state = new LifecycleState();

        List<Transition> transitions = observe(state, 0.9, 0.1, 0.1, 0.3, 0.1, 0.1, 0.1);

        assertThat(transitions).containsExactly(OPENED, NONE, NONE, NONE, NONE, NONE, RESOLVED);
    }

    @Test
    void opensAgainAfterResolving() {
        LifecycleState state = new LifecycleState();

        List<Transition> transitions = observe(state, 0.9, 0.0, 0.0, 0.0, 0.7);

        assertThat(transitions).containsExactly(OPENED, NONE, NONE, RESOLVED, OPENED);
        assertThat(state.openedWindowStart).isEqualTo(4L);
    }

    @Test
    void rejectsInvalidParametersByName() {
        assertThatThrownBy(() -> new AnomalyLifecycle(0.0, 0.0, 1)).hasMessageContaining("openThreshold");
        assertThatThrownBy(() -> new AnomalyLifecycle(1.1, 0.3, 1)).hasMessageContaining("openThreshold");
        assertThatThrownBy(() -> new AnomalyLifecycle(0.5, 0.5, 1)).hasMessageContaining("resolveThreshold");
        assertThatThrownBy(() -> new AnomalyLifecycle(0.5, 0.0, 1)).hasMessageContaining("resolveThreshold");
        assertThatThrownBy(() -> new AnomalyLifecycle(0.5, 0.3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resolveAfter");
    }

    /** Observes the scores as windows 0, 1, 2, ... */
    private List<Transition> observe(LifecycleState state, double... scores) {
        List<Transition> transitions = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            transitions.add(lifecycle.observe(state, i, scores[i]));
        }
        return transitions;
    }
}
