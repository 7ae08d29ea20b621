package dev.bowline.proxy.timer;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline that is set and cleared far more often than it expires: a connection's idle and
 * request-header timeouts, the route timeout of the requests on one keep-alive connection, the idle
 * timeout of a pooled upstream connection.
 *
 * <p>Setting the deadline only writes it down. A task goes on the event loop's timer queue only
 * when none is queued to run at or before the deadline; a task that runs before the deadline (the
 * deadline moved later meanwhile) queues itself again for the time left, and one that finds the
 * timer cleared does nothing. A connection serving thousands of requests within one timeout period
 * so pays for one queued task, where scheduling and cancelling per request would push and remove
 * two entries of the event loop's timer heap for every request.
 *
 * <p>The action runs on the event loop, at most once per {@link #set}, never after {@link #clear}
 * or {@link #close}, and may set the timer again.
 *
 * <p><b>Threading.</b> Confined to the event loop given; not thread-safe.
 */
public final class DeadlineTimer implements Deadline {

  private final EventExecutor loop;
  private final Runnable fire = this::fire;
  private Runnable action;
  private long deadline;
  private ScheduledFuture<?> queued;
  private long queuedAt;

  /** A timer whose actions run on {@code loop}. */
  public DeadlineTimer(EventExecutor loop) {
    this.loop = loop;
  }

  @Override
  public void set(long delayNanos, Runnable action) {
    setAt(System.nanoTime() + delayNanos, action);
  }

  /** Runs {@code action} once {@link System#nanoTime()} reaches {@code deadlineNanos}, unless cleared first. */
  public void setAt(long deadlineNanos, Runnable action) {
    this.action = action;
    this.deadline = deadlineNanos;
    if (queued != null && queuedAt - deadlineNanos <= 0) {
      return;
    }
    if (queued != null) {
      queued.cancel(false);
    }
    queue(deadlineNanos - System.nanoTime());
  }

  /** Whether an action is waiting for its deadline. */
  public boolean isSet() {
    return action != null;
  }

  @Override
  public void clear(Runnable owner) {
    if (action == owner) {
      action = null;
    }
  }

  /** Forgets the action, whoever set it. */
  public void clear() {
    action = null;
  }

  /** Clears the timer and takes its task off the event loop's queue (the connection is gone). */
  @Override
  public void close() {
    action = null;
    if (queued != null) {
      queued.cancel(false);
      queued = null;
    }
  }

  private void queue(long delayNanos) {
    queuedAt = System.nanoTime() + Math.max(0, delayNanos);
    queued = loop.schedule(fire, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
  }

  private void fire() {
    queued = null;
    if (action == null) {
      return;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      queue(left);
      return;
    }
    Runnable due = action;
    action = null;
    due.run();
  }
}
