package dev.bowline.proxy.http;

import dev.bowline.proxy.route.MirrorPolicy;
import dev.bowline.proxy.upstream.Cluster;
import dev.bowline.proxy.upstream.ClusterManager;
import dev.bowline.proxy.upstream.UpstreamConnector;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The mirrored copies of one request (its route's {@code request_mirror_policies}, each sampled by
 * its fraction): the head as it goes upstream, and the body kept as it streams to the original
 * upstream, so that once the request is complete each mirror cluster gets a {@link ShadowRequest}
 * (Envoy, too, buffers a request it shadows).
 *
 * <p>The body is kept as {@linkplain HttpContent#retainedDuplicate() retained duplicates} of the
 * pieces, never copied, up to the listener's {@code per_connection_buffer_limit_bytes}. A body
 * larger than that is not mirrored: what was kept is released and {@code
 * retry_or_shadow_abandoned} of the original's cluster counts it, as in Envoy. The original request
 * never waits for any of this.
 *
 * <p><b>Threading.</b> Confined to the request's event loop. Ownership: the pieces kept belong to
 * this object until {@link #send()} hands them over or {@link #cancel()} releases them.
 */
final class RequestMirrors {

  private final List<MirrorPolicy> policies;
  private final ClusterManager clusters;
  private final ShadowStats stats;
  private final EventLoop loop;
  private final UpstreamConnector connector;
  private final long timeoutMillis;
  private final long limitBytes;
  private final HttpRequest head;
  private final List<HttpContent> body = new ArrayList<>(2);
  private long bodyBytes;
  private boolean over;

  private RequestMirrors(
      List<MirrorPolicy> policies,
      HttpRequest request,
      ClusterManager clusters,
      ShadowStats stats,
      EventLoop loop,
      UpstreamConnector connector,
      long timeoutMillis,
      long limitBytes) {
    this.policies = policies;
    this.clusters = clusters;
    this.stats = stats;
    this.loop = loop;
    this.connector = connector;
    this.timeoutMillis = timeoutMillis;
    this.limitBytes = limitBytes;
    this.head =
        new DefaultHttpRequest(
            request.protocolVersion(), request.method(), request.uri(), request.headers().copy());
  }

  /**
   * The mirrors of a request about to go upstream, or {@code null} when no policy samples it.
   *
   * @param request the head as it goes upstream (rewritten, with the route's header changes); it
   *     is copied now
   * @param timeoutMillis the route timeout, which bounds each copy; 0 for none
   * @param limitBytes the most body kept for the copies
   */
  static RequestMirrors sample(
      List<MirrorPolicy> policies,
      HttpRequest request,
      ClusterManager clusters,
      ShadowStats stats,
      EventLoop loop,
      UpstreamConnector connector,
      long timeoutMillis,
      long limitBytes) {
    List<MirrorPolicy> sampled = null;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (MirrorPolicy policy : policies) {
      if (policy.sampled(random.nextLong())) {
        if (sampled == null) {
          sampled = new ArrayList<>(policies.size());
        }
        sampled.add(policy);
      }
    }
    if (sampled == null) {
      return null;
    }
    return new RequestMirrors(
        sampled, request, clusters, stats, loop, connector, timeoutMillis, limitBytes);
  }

  /**
   * Whether a body announced with a {@code Content-Length} over the limit rules the copies out
   * before any of it arrives.
   */
  boolean announcedTooLarge() {
    return HttpUtil.getContentLength(head, -1L) > limitBytes;
  }

  /**
   * Keeps a duplicate of the next body piece, before the original upstream takes it. Returns false
   * once the body is over the limit: then nothing is kept any more and the copies are off.
   */
  boolean keep(HttpContent piece) {
    if (over) {
      return false;
    }
    int size = piece.content().readableBytes();
    if (bodyBytes + size > limitBytes) {
      over = true;
      cancel();
      return false;
    }
    bodyBytes += size;
    body.add(piece.retainedDuplicate());
    return true;
  }

  /** The request is complete: sends each copy. The pieces kept go to the copies. */
  void send() {
    for (int i = 0; i < policies.size(); i++) {
      MirrorPolicy policy = policies.get(i);
      boolean lastCopy = i == policies.size() - 1;
      List<HttpContent> pieces = lastCopy ? new ArrayList<>(body) : duplicates();
      ShadowStats.Counters counters = stats.of(policy.cluster());
      Cluster cluster = clusters.get(policy.cluster());
      if (cluster == null) {
        counters.sent().increment();
        counters.failed().increment();
        pieces.forEach(ReferenceCountUtil::release);
        continue;
      }
      HttpRequest copy =
          lastCopy
              ? head
              : new DefaultHttpRequest(
                  head.protocolVersion(), head.method(), head.uri(), head.headers().copy());
      String authority = copy.headers().get(HttpHeaderNames.HOST);
      String shadowAuthority = policy.shadowAuthority(authority);
      if (shadowAuthority != null && !shadowAuthority.equals(authority)) {
        copy.headers().set(HttpHeaderNames.HOST, shadowAuthority);
      }
      new ShadowRequest(cluster, counters, copy, pieces, loop, connector, timeoutMillis).start();
    }
    body.clear();
  }

  /** Retained duplicates of every piece kept, for one more copy. */
  private List<HttpContent> duplicates() {
    List<HttpContent> out = new ArrayList<>(body.size());
    for (HttpContent piece : body) {
      out.add(piece.retainedDuplicate());
    }
    return out;
  }

  /** The copies are off (the request failed, or its body is too large): releases what is kept. */
  void cancel() {
    for (HttpContent piece : body) {
      ReferenceCountUtil.release(piece);
    }
    body.clear();
  }
}
