package dev.bowline.proxy.timer;

/**
 * A deadline on an event loop that runs an action once it passes, unless cleared first: {@link
 * DeadlineTimer} (one per connection) or a member of a {@link DeadlineSet} (one per HTTP/2 stream,
 * sharing the connection's queued task).
 *
 * <p>The action runs on the event loop, at most once per {@link #set}, never after {@link #clear}
 * or {@link #close}, and may set the deadline again.
 *
 * <p><b>Threading.</b> Confined to its event loop; not thread-safe.
 */
public interface Deadline {

  /** Runs {@code action} once {@code delayNanos} have passed, unless cleared first. */
  void set(long delayNanos, Runnable action);

  /** Forgets the action, if it is still {@code owner}'s (a later setter's action stays). */
  void clear(Runnable owner);

  /** Forgets the action for good: its owner is gone. */
  void close();
}
