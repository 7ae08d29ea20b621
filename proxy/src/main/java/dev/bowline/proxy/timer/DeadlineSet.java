package dev.bowline.proxy.timer;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Many deadlines on one event loop that share one queued task: the route timeouts of the streams of
 * one HTTP/2 connection, each stream a {@link #newMember() member}.
 *
 * <p>One {@link DeadlineTimer} stays armed at (or before) the earliest deadline of the members. A
 * member set later than that, the usual case for streams that start one after the other with the
 * same timeout, costs no timer-queue operation, and clearing one costs none either: a stream that
 * finishes before its timeout (nearly all do) leaves nothing behind on the event loop's timer heap,
 * where a timer per stream would add and remove an entry for every request. When the shared timer
 * fires it runs the actions that are due, then arms itself for the earliest deadline left. Its
 * scan is over the members set at that moment (at most the connection's concurrent streams).
 *
 * <p>Each member keeps the {@link Deadline} contract.
 *
 * <p><b>Threading.</b> Confined to the event loop given; not thread-safe.
 */
public final class DeadlineSet {

  private final DeadlineTimer timer;
  private final Runnable fire = this::fire;
  private Member[] set = new Member[8];
  private int size;
  /** The deadline the shared timer is armed for; meaningful while {@link #armed}. */
  private long armedAt;
  private boolean armed;

  /** A set whose actions run on {@code loop}. */
  public DeadlineSet(EventExecutor loop) {
    this.timer = new DeadlineTimer(loop);
  }

  /** A new deadline of this set, not set yet. */
  public Deadline newMember() {
    return new Member();
  }

  /** The members set now (for tests). */
  int size() {
    return size;
  }

  private void add(Member m) {
    if (size == set.length) {
      set = Arrays.copyOf(set, size * 2);
    }
    m.index = size;
    set[size++] = m;
  }

  private void remove(Member m) {
    int i = m.index;
    Member last = set[--size];
    set[i] = last;
    last.index = i;
    set[size] = null;
    m.index = -1;
  }

  private void armFor(long deadline) {
    if (!armed || deadline - armedAt < 0) {
      armed = true;
      armedAt = deadline;
      timer.setAt(deadline, fire);
    }
  }

  private void fire() {
    armed = false;
    long now = System.nanoTime();
    List<Runnable> due = null;
    for (int i = 0; i < size; ) {
      Member m = set[i];
      if (m.deadline - now <= 0) {
        if (due == null) {
          due = new ArrayList<>(2);
        }
        due.add(m.action);
        m.action = null;
        remove(m); // the last member moved to i: look at i again
      } else {
        i++;
      }
    }
    for (int i = 0; i < size; i++) {
      armFor(set[i].deadline);
    }
    if (due != null) {
      for (Runnable action : due) {
        action.run(); // may set or clear members: the set is consistent by now
      }
    }
  }

  private final class Member implements Deadline {
    private Runnable action;
    private long deadline;
    private int index = -1;

    @Override
    public void set(long delayNanos, Runnable action) {
      this.action = action;
      this.deadline = System.nanoTime() + delayNanos;
      if (index < 0) {
        add(this);
      }
      armFor(deadline);
    }

    @Override
    public void clear(Runnable owner) {
      if (action == owner) {
        close();
      }
    }

    @Override
    public void close() {
      action = null;
      if (index >= 0) {
        remove(this);
      }
    }
  }
}
