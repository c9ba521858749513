package io.webhookinbox.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The server the service starts when no database is configured keeps what it acknowledged. */
class EmbeddedDatabaseTest {

  @Test
  void theServiceEmbeddedServerIsDurable(@TempDir Path dataDir) throws Exception {
    try (EmbeddedDatabase server = EmbeddedDatabase.start(dataDir, 0);
         Connection connection = DriverManager.getConnection(
           "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres", "postgres", "");
         Statement statement = connection.createStatement()) {
      for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
        try (ResultSet value = statement.executeQuery("SHOW " + setting)) {
          assertThat(value.next()).isTrue();
          assertThat(value.getString(1)).as(setting).isEqualTo("on");
        }
      }
    }
  }
}
