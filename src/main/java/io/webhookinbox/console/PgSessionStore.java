package io.webhookinbox.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.AbstractSession;
import io.vertx.ext.web.sstore.SessionStore;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.webhookinbox.db.BoundedPool;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Console sessions in PostgreSQL ({@code console_sessions}, migration V21; vertx-web ships no SQL store), so any
 * replica serves any request without sticky sessions, and signing out ends the session on every replica. Versioned
 * like vertx-web's own stores: a write from a stale copy fails ("Session version mismatch"). vertx-web writes the
 * session as the response headers go out, so the browser's next request may reach another replica before that
 * commit: {@link #retryTimeout()} makes the session handler look again for a session it did not find.
 */
final class PgSessionStore implements SessionStore {
  static final String GET = "SELECT data FROM console_sessions WHERE id = $1 AND expires_at > now()";
  static final String UPSERT = """
    INSERT INTO console_sessions (id, version, expires_at, data) VALUES ($1, $2, $3, $4)
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, expires_at = EXCLUDED.expires_at, data = EXCLUDED.data
     WHERE console_sessions.version = EXCLUDED.version - 1""";
  /** Keeps an unchanged session alive: no version check, so parallel requests of one page never conflict. */
  static final String TOUCH = "UPDATE console_sessions SET expires_at = greatest(expires_at, $2) WHERE id = $1";
  static final String DELETE = "DELETE FROM console_sessions WHERE id = $1";
  static final String PURGE = "DELETE FROM console_sessions WHERE expires_at < now()";
  static final String SIZE = "SELECT count(*) FROM console_sessions";
  private static final long RETRY_MS = 2000;
  /** An unchanged session's expiry moves on at most this often (the idle timeout is minutes). */
  private static final long TOUCH_EVERY_MS = 60_000;

  private final BoundedPool pool;
  private final VertxContextPRNG random;

  PgSessionStore(Vertx vertx, BoundedPool pool) {
    this.pool = pool;
    this.random = VertxContextPRNG.current(vertx);
  }

  /** Deletes the sessions that ran out; answers how many. */
  Future<Integer> purgeExpired() {
    return pool.query(PURGE).map(rows -> rows.rowCount());
  }

  @Override
  public SessionStore init(Vertx vertx, JsonObject options) {
    return this;
  }

  @Override
  public long retryTimeout() {
    return RETRY_MS;
  }

  @Override
  public Session createSession(long timeout) {
    return new PgSession(random, timeout, DEFAULT_SESSIONID_LENGTH);
  }

  @Override
  public Session createSession(long timeout, int length) {
    return new PgSession(random, timeout, length);
  }

  @Override
  public Future<Session> get(String id) {
    return pool.preparedQuery(GET, Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      PgSession session = new PgSession(random);
      session.read(row.getBuffer("data"));
      return session;
    });
  }

  @Override
  public Future<Void> put(Session session) {
    PgSession pg = (PgSession) session;
    int next = pg.version() + 1;
    OffsetDateTime expiresAt = OffsetDateTime.ofInstant(Instant.ofEpochMilli(pg.lastAccessed() + pg.timeout()),
      ZoneOffset.UTC);
    Buffer data = pg.write(next);
    // vertx-web puts the session after every request that read it; most change nothing (a page's parallel
    // requests among them), and only a change needs the versioned write.
    if (pg.unchanged(data)) {
      return pg.lastAccessed() - pg.storedAccess < TOUCH_EVERY_MS ? Future.succeededFuture()
        : pool.preparedQuery(TOUCH, Tuple.of(pg.id(), expiresAt)).map(touched -> {
          pg.storedAccess = pg.lastAccessed();
          return null;
        });
    }
    return pool.preparedQuery(UPSERT, Tuple.of(pg.id(), next, expiresAt, data)).compose(rows -> {
      if (rows.rowCount() == 0) {
        return Future.failedFuture("Session version mismatch");
      }
      pg.incrementVersion();
      pg.stored(data);
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<Void> delete(String id) {
    return pool.preparedQuery(DELETE, Tuple.of(id)).mapEmpty();
  }

  @Override
  public Future<Void> clear() {
    return pool.query("DELETE FROM console_sessions").mapEmpty();
  }

  @Override
  public Future<Integer> size() {
    return pool.query(SIZE).map(rows -> rows.iterator().next().getInteger(0));
  }

  @Override
  public void close() {
    // The pool is the replica's.
  }

  /** Stored in the binary form vertx-web uses for clustered sessions. */
  private static final class PgSession extends AbstractSession {
    private static final int HEADER = 4 + 8 + 8 + 4;
    private byte[] storedData;
    private String storedId;
    private long storedAccess;

    PgSession(VertxContextPRNG random) {
      super(random);
    }

    PgSession(VertxContextPRNG random, long timeout, int length) {
      super(random, timeout, length);
    }

    /** Remembers what is stored: its id, the attributes (the bytes after the id, times and version) and the access time. */
    void stored(Buffer buffer) {
      int attributes = buffer.getInt(0) + HEADER;
      storedData = buffer.getBytes(attributes, buffer.length());
      storedId = id();
      storedAccess = lastAccessed();
    }

    boolean unchanged(Buffer written) {
      int attributes = written.getInt(0) + HEADER;
      return storedData != null && id().equals(storedId) && java.util.Arrays.equals(storedData, written.getBytes(attributes, written.length()));
    }

    Buffer write(int version) {
      byte[] id = id().getBytes(StandardCharsets.UTF_8);
      Buffer buffer = Buffer.buffer().appendInt(id.length).appendBytes(id).appendLong(timeout())
        .appendLong(lastAccessed()).appendInt(version);
      writeDataToBuffer(buffer);
      return buffer;
    }

    void read(Buffer buffer) {
      int position = 0;
      int length = buffer.getInt(position);
      position += 4;
      setId(new String(buffer.getBytes(position, position + length), StandardCharsets.UTF_8));
      position += length;
      setTimeout(buffer.getLong(position));
      position += 8;
      setLastAccessed(buffer.getLong(position));
      position += 8;
      setVersion(buffer.getInt(position));
      position += 4;
      readDataFromBuffer(position, buffer);
      stored(buffer);
    }
  }
}
