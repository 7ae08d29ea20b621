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
 * Deadlines sharing one queued task, on a real event loop. Each check is of order, never of speed:
 * an action never runs before its deadline, runs once, never runs once cleared, and a deadline
 * later than the one the shared task was armed for still fires; waits are generous upper bounds.
 */
class DeadlineSetTest {

  private final EventLoop loop = new DefaultEventLoop();

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  private void onLoop(Runnable task) throws Exception {
    loop.submit(task).get(5, TimeUnit.SECONDS);
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void eachMemberFiresOnceAfterItsOwnDeadlineTheLaterOnesAfterTheEarliest() throws Exception {
    DeadlineSet set = new DeadlineSet(loop);
    Deadline early = set.newMember();
    Deadline late = set.newMember();
    List<String> fired = new CopyOnWriteArrayList<>();
    long[] lateDeadline = new long[1];
    long[] lateFiredAt = new long[1];
    CountDownLatch both = new CountDownLatch(2);
    onLoop(() -> {
      early.set(ms(20), () -> {
        fired.add("early");
        both.countDown();
      });
      lateDeadline[0] = System.nanoTime() + ms(120);
      late.set(ms(120), () -> {
        lateFiredAt[0] = System.nanoTime();
        fired.add("late");
        both.countDown();
      });
    });

    assertThat(both.await(5, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(50);
    assertThat(fired).containsExactly("early", "late");
    assertThat(lateFiredAt[0] - lateDeadline[0]).isGreaterThanOrEqualTo(0);
    onLoop(() -> assertThat(set.size()).isZero());
  }

  @Test
  void aClearedMemberNeverFiresAndOthersStillDo() throws Exception {
    DeadlineSet set = new DeadlineSet(loop);
    Deadline cleared = set.newMember();
    Deadline kept = set.newMember();
    List<String> fired = new CopyOnWriteArrayList<>();
    CountDownLatch keptFired = new CountDownLatch(1);
    Runnable clearedAction = () -> fired.add("cleared");
    onLoop(() -> {
      cleared.set(ms(10), clearedAction);
      kept.set(ms(60), () -> {
        fired.add("kept");
        keptFired.countDown();
      });
      cleared.clear(clearedAction);
    });

    assertThat(keptFired.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(fired).containsExactly("kept");
  }

  @Test
  void clearingWithAnotherOwnersActionLeavesTheMemberSet() throws Exception {
    DeadlineSet set = new DeadlineSet(loop);
    Deadline member = set.newMember();
    CountDownLatch fired = new CountDownLatch(1);
    onLoop(() -> {
      member.set(ms(10), fired::countDown);
      member.clear(() -> {});
    });
    assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anActionMaySetItsMemberAgain() throws Exception {
    DeadlineSet set = new DeadlineSet(loop);
    Deadline member = set.newMember();
    CountDownLatch twice = new CountDownLatch(2);
    Runnable[] again = new Runnable[1];
    again[0] = () -> {
      twice.countDown();
      if (twice.getCount() > 0) {
        member.set(ms(10), again[0]);
      }
    };
    onLoop(() -> member.set(ms(10), again[0]));
    assertThat(twice.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aClosedMemberLeavesTheSet() throws Exception {
    DeadlineSet set = new DeadlineSet(loop);
    Deadline member = set.newMember();
    onLoop(() -> {
      member.set(ms(10_000), () -> {});
      assertThat(set.size()).isEqualTo(1);
      member.close();
      assertThat(set.size()).isZero();
    });
  }
}
