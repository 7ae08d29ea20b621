package dev.bowline.kernel.pilot.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamExecutorsTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final StreamExecutors group = new StreamExecutors(pool);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void eachStreamRunsItsTasksInOrderAndNeverTwoAtOnce() throws Exception {
    int streams = 8;
    int tasksPerStream = 500;
    List<List<Integer>> seen = new ArrayList<>();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(streams * tasksPerStream);
    List<Executor> executors = new ArrayList<>();
    List<AtomicInteger> running = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      seen.add(Collections.synchronizedList(new ArrayList<>()));
      executors.add(group.next());
      running.add(new AtomicInteger());
    }
    // Two submitting threads interleave tasks of all streams; within a stream, one thread submits.
    Thread[] submitters = new Thread[2];
    for (int t = 0; t < submitters.length; t++) {
      int first = t;
      submitters[t] =
          new Thread(
              () -> {
                for (int i = 0; i < tasksPerStream; i++) {
                  for (int s = first; s < streams; s += submitters.length) {
                    int stream = s;
                    int number = i;
                    executors.get(s).execute(
                        () -> {
                          if (running.get(stream).incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                          }
                          seen.get(stream).add(number);
                          running.get(stream).decrementAndGet();
                          done.countDown();
                        });
                  }
                }
              });
      submitters[t].start();
    }
    for (Thread t : submitters) {
      t.join();
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(overlaps).hasValue(0);
    for (List<Integer> numbers : seen) {
      assertThat(numbers).hasSize(tasksPerStream).isSorted();
    }
  }

  @Test
  void aFailingTaskDoesNotStopTheStreamsLaterTasks() {
    Executor stream = group.next();
    AtomicInteger ran = new AtomicInteger();
    stream.execute(
        () -> {
          throw new IllegalStateException("boom");
        });
    stream.execute(ran::incrementAndGet);
    await().atMost(10, TimeUnit.SECONDS).untilAtomic(ran, org.hamcrest.Matchers.is(1));
  }

  @Test
  void aBusyStreamLeavesPoolThreadsToTheOthers() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    try {
      StreamExecutors oneThread = new StreamExecutors(single);
      Executor busy = oneThread.next();
      Executor other = oneThread.next();
      CountDownLatch otherRan = new CountDownLatch(1);
      AtomicInteger busyRan = new AtomicInteger();
      // The busy stream keeps adding work while it runs; the other stream still gets its turn.
      Runnable[] again = new Runnable[1];
      again[0] =
          () -> {
            if (busyRan.incrementAndGet() < 10_000 && otherRan.getCount() > 0) {
              busy.execute(again[0]);
            }
          };
      busy.execute(again[0]);
      other.execute(otherRan::countDown);
      assertThat(otherRan.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(busyRan.get()).isLessThan(10_000);
    } finally {
      single.shutdownNow();
    }
  }

  @Test
  void afterThePoolStopsTasksAreDroppedQuietly() {
    pool.shutdownNow();
    Executor stream = group.next();
    AtomicInteger ran = new AtomicInteger();
    stream.execute(ran::incrementAndGet);
    stream.execute(ran::incrementAndGet);
    assertThat(ran).hasValue(0);
  }
}
