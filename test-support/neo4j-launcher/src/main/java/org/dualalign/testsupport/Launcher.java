package org.dualalign.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Starts a real Neo4j community DBMS (embedded API, same kernel as the server
 * distribution) with the Bolt connector enabled, for dualalign's tests and CI.
 *
 * <p>Usage: {@code Launcher --home DIR [--host 127.0.0.1] [--port 7687] [--ready-file FILE]}
 *
 * <p>Environment: {@code NEO4J_PASSWORD} (password for user {@code neo4j}, default
 * {@code dualalign-test}), {@code NEO4J_PAGECACHE} (page cache size, default {@code 128m}).
 * The password is deliberately not taken from the command line so it does not show up in
 * {@code ps}.
 *
 * <p>Auth is always enabled. The built-in {@code neo4j} user is created by the DBMS with the
 * default password {@code neo4j} (change required); at start-up the launcher resets it through
 * the system database to the requested password with {@code CHANGE NOT REQUIRED}.
 * Embedded transactions run with full privileges, so this needs no login.
 *
 * <p>SIGTERM/SIGINT trigger a JVM shutdown hook that shuts the DBMS down cleanly.
 */
public final class Launcher {

    private static final String USER = "neo4j";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Path home = null;
        String host = "127.0.0.1";
        int port = 7687;
        Path readyFile = null;

        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--home" -> home = Path.of(need(args, ++i, a));
                case "--host" -> host = need(args, ++i, a);
                case "--port" -> port = Integer.parseInt(need(args, ++i, a));
                case "--ready-file" -> readyFile = Path.of(need(args, ++i, a));
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + a);
                    usage();
                    System.exit(2);
                }
            }
        }
        if (home == null) {
            usage();
            System.exit(2);
        }
        String password = envOr("NEO4J_PASSWORD", "dualalign-test");
        if (password.isEmpty() || password.equals("neo4j")) {
            // "neo4j" is the built-in default and cannot be re-set as the new password.
            System.err.println("NEO4J_PASSWORD must be non-empty and different from 'neo4j'");
            System.exit(2);
        }
        long pageCache = ByteUnit.parse(envOr("NEO4J_PAGECACHE", "128m"));

        home = home.toAbsolutePath();
        Files.createDirectories(home);
        if (readyFile != null) {
            Files.deleteIfExists(readyFile);
        }

        long t0 = System.nanoTime();
        SocketAddress bolt = new SocketAddress(host, port);
        Map<Setting<?>, Object> cfg = new HashMap<>();
        cfg.put(GraphDatabaseSettings.default_listen_address, new SocketAddress(host));
        cfg.put(GraphDatabaseSettings.auth_enabled, true);
        cfg.put(GraphDatabaseSettings.auth_minimum_password_length, 1);
        cfg.put(GraphDatabaseSettings.routing_enabled, false); // no extra :7688 listener
        cfg.put(GraphDatabaseSettings.pagecache_memory, pageCache);
        cfg.put(GraphDatabaseSettings.udc_enabled, false);
        cfg.put(BoltConnector.enabled, true);
        cfg.put(BoltConnector.listen_address, bolt);
        cfg.put(BoltConnector.advertised_address, bolt);
        cfg.put(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED);
        // Test server: don't wait the default ~5s twice for Bolt connections/threads on shutdown.
        cfg.put(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1));
        cfg.put(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1));

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .setConfig(cfg)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("[launcher] shutdown requested; stopping DBMS");
            try {
                dbms.shutdown();
                System.out.println("[launcher] DBMS stopped cleanly");
            } catch (Throwable t) {
                System.err.println("[launcher] error during shutdown: " + t);
            } finally {
                stopped.countDown();
            }
        }, "neo4j-launcher-shutdown"));

        try {
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            GraphDatabaseService neo4j = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!system.isAvailable(Duration.ofSeconds(60).toMillis())
                    || !neo4j.isAvailable(Duration.ofSeconds(60).toMillis())) {
                throw new IllegalStateException("databases did not become available");
            }
            system.executeTransactionally(
                    "ALTER USER " + USER + " SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (Throwable t) {
            System.err.println("[launcher] start-up failed: " + t);
            t.printStackTrace();
            System.exit(1); // runs the shutdown hook
        }

        String uri = "bolt://" + host + ":" + port;
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("[launcher] READY " + uri + " user=" + USER + " home=" + home + " startup_ms=" + ms);
        if (readyFile != null) {
            writeAtomically(readyFile, uri + "\n");
        }
        stopped.await();
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String need(String[] args, int i, String flag) {
        if (i >= args.length) {
            System.err.println("missing value for " + flag);
            System.exit(2);
        }
        return args[i];
    }

    private static String envOr(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    private static void usage() {
        System.err.println("usage: Launcher --home DIR [--host 127.0.0.1] [--port 7687] [--ready-file FILE]\n"
                + "env: NEO4J_PASSWORD (default dualalign-test), NEO4J_PAGECACHE (default 128m)");
    }
}
