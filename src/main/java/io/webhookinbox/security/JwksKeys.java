package io.webhookinbox.security;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.webhookinbox.config.JwksConfig;
import io.webhookinbox.telemetry.InboxMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The replica's cache of the identity provider's signing keys, shared by its HTTP verticles: one instance fetches
 * the JWKS at start-up, every {@code refreshSeconds} after a success, every {@code minRefreshIntervalSeconds} after
 * a failure, and when a token names an unknown {@code kid}; never two fetches within the minimum interval, and
 * never two at once. A failed fetch keeps the keys already held. The key set is swapped atomically (a volatile
 * reference), so every event loop sees the new keys on its next request. Start-up waits for the first fetch, at
 * most its timeout; the service starts without keys when the IdP is down.
 */
public final class JwksKeys extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);

  private final JwksConfig config;
  private final List<String> algorithms;
  private final InboxMetrics metrics;
  private volatile JwkSet current = JwkSet.EMPTY;
  private volatile boolean lastFetchFailed;
  // The fields below are touched on this verticle's context only.
  private HttpClient client;
  private Future<JwkSet> inFlight;
  private long lastAttemptNanos;
  private boolean attempted;
  private long timer = -1;

  public JwksKeys(JwksConfig config, List<String> algorithms, InboxMetrics metrics) {
    this.config = config;
    this.algorithms = List.copyOf(algorithms);
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(config.timeoutMs())
      .setIdleTimeout(config.timeoutMs()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    return refresh("start-up").otherwiseEmpty();
  }

  /** The keys held now. */
  JwkSet current() {
    return current;
  }

  /** True when the last fetch failed: an unknown kid may be a key the service could not fetch yet. */
  boolean unreachable() {
    return lastFetchFailed;
  }

  int retryAfterSeconds() {
    return config.minRefreshIntervalSeconds();
  }

  /**
   * A token named a kid the cache does not hold: fetches now unless the minimum interval has not passed since the
   * last fetch. Answers the keys held afterwards, never fails; concurrent callers share one fetch. Completes on
   * the caller's context.
   */
  Future<JwkSet> refreshForUnknownKid() {
    Context caller = Vertx.currentContext();
    Promise<JwkSet> answer = Promise.promise();
    context.runOnContext(ignored -> refresh("unknown kid").otherwise(failed -> current).onComplete(result -> {
      if (caller == null) {
        answer.handle(result);
      } else {
        caller.runOnContext(back -> answer.handle(result));
      }
    }));
    return answer.future();
  }

  private Future<JwkSet> refresh(String trigger) {
    if (inFlight != null) {
      return inFlight;
    }
    long now = System.nanoTime();
    if (attempted && now - lastAttemptNanos < TimeUnit.SECONDS.toNanos(config.minRefreshIntervalSeconds())) {
      return Future.succeededFuture(current);
    }
    attempted = true;
    lastAttemptNanos = now;
    inFlight = fetch().map(body -> JwkSet.parse(body, algorithms))
      .compose(keys -> keys.isEmpty()
        ? Future.failedFuture(new IllegalArgumentException("no usable signing key (" + keys.ignored() + " ignored)"))
        : Future.succeededFuture(keys))
      .map(keys -> adopt(keys, trigger))
      .recover(failure -> {
        lastFetchFailed = true;
        metrics.jwksRefreshed("failed", current.byKid().size());
        LOG.warn("JWKS fetch ({}) from {} failed: {}; keeping the {} key(s) held, next attempt in {} s", trigger,
          config.url(), failure.getMessage(), current.byKid().size(), config.minRefreshIntervalSeconds());
        return Future.failedFuture(failure);
      })
      .andThen(done -> {
        inFlight = null;
        schedule(done.succeeded() ? config.refreshSeconds() : config.minRefreshIntervalSeconds());
      });
    return inFlight;
  }

  private JwkSet adopt(JwkSet keys, String trigger) {
    boolean changed = !keys.byKid().equals(current.byKid());
    current = keys;
    lastFetchFailed = false;
    metrics.jwksRefreshed(changed ? "updated" : "unchanged", keys.byKid().size());
    if (changed) {
      LOG.info("JWKS fetched ({}): {} signing key(s) {}, {} ignored", trigger, keys.byKid().size(),
        keys.byKid().keySet(), keys.ignored());
    }
    return keys;
  }

  private void schedule(int seconds) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    timer = vertx.setTimer(TimeUnit.SECONDS.toMillis(seconds), id -> {
      timer = -1;
      refresh("scheduled");
    });
  }

  /** GET the JWKS: 200 only, no redirects, at most {@code maxBytes}, all of it within {@code timeoutMs}. */
  private Future<Buffer> fetch() {
    Promise<Buffer> body = Promise.promise();
    long deadline = vertx.setTimer(config.timeoutMs(), id -> body.tryFail("no complete answer within "
      + config.timeoutMs() + " ms"));
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(config.url())
        .setConnectTimeout(config.timeoutMs()).setIdleTimeout(config.timeoutMs()).putHeader("Accept", "application/json"))
      .compose(request -> {
        body.future().onFailure(failed -> request.reset());
        return request.send();
      })
      .onSuccess(response -> read(response, body))
      .onFailure(body::tryFail);
    return body.future().andThen(done -> vertx.cancelTimer(deadline));
  }

  private void read(HttpClientResponse response, Promise<Buffer> body) {
    if (response.statusCode() != 200) {
      body.tryFail("HTTP status " + response.statusCode());
      return;
    }
    String length = response.getHeader("Content-Length");
    if (length != null && (!length.trim().matches("\\d{1,9}") || Integer.parseInt(length.trim()) > config.maxBytes())) {
      body.tryFail("response larger than " + config.maxBytes() + " bytes");
      return;
    }
    Buffer received = Buffer.buffer();
    response.exceptionHandler(body::tryFail);
    response.handler(chunk -> {
      if (received.length() + chunk.length() > config.maxBytes()) {
        body.tryFail("response larger than " + config.maxBytes() + " bytes");
      } else {
        received.appendBuffer(chunk);
      }
    });
    response.endHandler(end -> body.tryComplete(received));
  }
}
