package dev.bowline.proxy.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deadline timer on a real event loop. Each check is of order, never of speed: an action never
 * runs before its deadline, runs once, and never runs once cleared; waits are generous upper bounds.
 */
class DeadlineTimerTest {

  private final EventLoop loop = new DefaultEventLoop();

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  /** Runs {@code task} on the loop and waits for it. */
  private void onLoop(Runnable task) throws Exception {
    loop.submit(task).get(5, TimeUnit.SECONDS);
  }

  @Test
  void runsTheActionOnceItsDeadlineHasPassedAndOnlyOnce() throws Exception {
    DeadlineTimer timer = new DeadlineTimer(loop);
    List<Long> firedAt = new CopyOnWriteArrayList<>();
    CountDownLatch fired = new CountDownLatch(1);
    long[] deadline = new long[1];
    onLoop(() -> {
      deadline[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
      timer.setAt(deadline[0], () -> {
        firedAt.add(System.nanoTime());
        fired.countDown();
      });
    });

    assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(100);
    assertThat(firedAt).hasSize(1);
    assertThat(firedAt.get(0) - deadline[0]).isGreaterThanOrEqualTo(0);
    onLoop(() -> assertThat(timer.isSet()).isFalse());
  }

  @Test
  void aDeadlineMovedLaterWaitsForTheNewOne() throws Exception {
    DeadlineTimer timer = new DeadlineTimer(loop);
    List<Long> firedAt = new CopyOnWriteArrayList<>();
    CountDownLatch fired = new CountDownLatch(1);
    Runnable action = () -> {
      firedAt.add(System.nanoTime());
      fired.countDown();
    };
    long[] later = new long[1];
    onLoop(() -> timer.set(TimeUnit.MILLISECONDS.toNanos(20), action));
    onLoop(() -> {
      later[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
      timer.setAt(later[0], action);
    });

    assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(firedAt).hasSize(1);
    assertThat(firedAt.get(0) - later[0]).isGreaterThanOrEqualTo(0);
  }

  @Test
  void aDeadlineMovedEarlierDoesNotWaitForTheQueuedTask() throws Exception {
    DeadlineTimer timer = new DeadlineTimer(loop);
    CountDownLatch fired = new CountDownLatch(1);
    onLoop(() -> timer.set(TimeUnit.SECONDS.toNanos(60), () -> {}));
    onLoop(() -> timer.set(TimeUnit.MILLISECONDS.toNanos(10), fired::countDown));

    // With only the first task queued this would take a minute.
    assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aClearedTimerNeverRunsItsAction() throws Exception {
    DeadlineTimer timer = new DeadlineTimer(loop);
    List<String> ran = new CopyOnWriteArrayList<>();
    Runnable first = () -> ran.add("first");
    onLoop(() -> {
      timer.set(TimeUnit.MILLISECONDS.toNanos(20), first);
      timer.clear(first);
    });
    Thread.sleep(200);
    onLoop(() -> {});

    assertThat(ran).isEmpty();
  }

  @Test
  void clearingWithAnotherOwnersActionKeepsTheCurrentOne() throws Exception {
    DeadlineTimer timer = new DeadlineTimer(loop);
    CountDownLatch second = new CountDownLatch(1);
    Runnable first = () -> {};
    onLoop(() -> {
      timer.set(TimeUnit.SECONDS.toNanos(60), first);
      timer.set(TimeUnit.MILLISECONDS.toNanos(10), second::countDown);
      // The first exchange ends late and clears what it set: the second's deadline must stay.
      timer.clear(first);
    });

    assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anActionMaySetTheTimerAgain() throws Exception {
    DeadlineTimer timer = new DeadlineTimer(loop);
    CountDownLatch twice = new CountDownLatch(2);
    Runnable[] action = new Runnable[1];
    action[0] = () -> {
      twice.countDown();
      if (twice.getCount() > 0) {
        timer.set(TimeUnit.MILLISECONDS.toNanos(10), action[0]);
      }
    };
    onLoop(() -> timer.set(TimeUnit.MILLISECONDS.toNanos(10), action[0]));

    assertThat(twice.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void closingTakesTheTaskOffTheQueue() throws Exception {
    DeadlineTimer timer = new DeadlineTimer(loop);
    List<String> ran = new CopyOnWriteArrayList<>();
    onLoop(() -> {
      timer.set(TimeUnit.MILLISECONDS.toNanos(20), () -> ran.add("late"));
      timer.close();
    });
    Thread.sleep(200);
    onLoop(() -> {});

    assertThat(ran).isEmpty();
    assertThat(loop.submit(timer::isSet).get(5, TimeUnit.SECONDS)).isFalse();
  }
}
