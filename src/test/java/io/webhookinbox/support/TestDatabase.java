package io.webhookinbox.support;

import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A migrated database of its own for one test class, with plain JDBC helpers for assertions and fault setup. */
public record TestDatabase(String host, int port, String name, String user, String password) {

  /** The {@code database} section of a service config pointing here. */
  public JsonObject configJson() {
    return new JsonObject().put("host", host).put("port", port).put("name", name).put("user", user)
      .put("password", password).put("migrateOnStart", false).put("poolSize", 8).put("connectTimeoutMs", 2000);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + name;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), user, password);
  }

  /** Runs statements (DDL, fault injection, clean-up). */
  public void execute(String sql, Object... params) {
    try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, params);
      statement.execute();
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Rows as JSON objects (column label → value; timestamps as strings). */
  public List<JsonObject> query(String sql, Object... params) {
    try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, params);
      try (ResultSet rows = statement.executeQuery()) {
        ResultSetMetaData meta = rows.getMetaData();
        List<JsonObject> result = new ArrayList<>();
        while (rows.next()) {
          JsonObject row = new JsonObject();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            Object value = rows.getObject(i);
            row.put(meta.getColumnLabel(i), value == null || value instanceof Number || value instanceof Boolean
              || value instanceof String ? value : value.toString());
          }
          result.add(row);
        }
        return result;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public JsonObject one(String sql, Object... params) {
    List<JsonObject> rows = query(sql, params);
    if (rows.size() != 1) {
      throw new AssertionError("expected one row, got " + rows.size() + " for " + sql);
    }
    return rows.get(0);
  }

  public long count(String sql, Object... params) {
    return ((Number) one(sql, params).iterator().next().getValue()).longValue();
  }

  private static void bind(PreparedStatement statement, Object[] params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      if (params[i] instanceof String[] array) {
        statement.setArray(i + 1, statement.getConnection().createArrayOf("text", array));
      } else {
        statement.setObject(i + 1, params[i]);
      }
    }
  }
}
