//! A throwaway PostgreSQL cluster for the tests: one per test binary, made by `initdb` in a
//! temporary folder and listening on a free loopback port, each test in a database of its own.
//! A watcher process stops the cluster and removes its folder once the test binary exits, however
//! it ends. Missing PostgreSQL binaries fail the tests (`scripts/setup` installs them).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use sqlx::Connection;

pub struct Cluster {
    port: u16,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// The cluster of this test binary, started on first use.
pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(Cluster::start)
}

/// The URL of a new, empty database on the cluster.
pub async fn database_url() -> String {
    let cluster = cluster();
    let name = format!("t_{}", DATABASES.fetch_add(1, Ordering::Relaxed));
    let mut admin = sqlx::PgConnection::connect(&cluster.url("postgres"))
        .await
        .expect("connect to the test cluster");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    admin.close().await.ok();
    cluster.url(&name)
}

/// One database per `key` (a test's database file): a server restarted on the same file finds
/// the same database again.
pub async fn database_url_for(key: &Path) -> String {
    static BY_KEY: OnceLock<Mutex<HashMap<PathBuf, String>>> = OnceLock::new();
    let known = BY_KEY.get_or_init(Default::default);
    if let Some(url) = known.lock().unwrap().get(key) {
        return url.clone();
    }
    let url = database_url().await;
    known.lock().unwrap().insert(key.to_path_buf(), url.clone());
    url
}

impl Cluster {
    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    fn start() -> Self {
        let bin = bin_dir().expect(
            "PostgreSQL is not installed (no initdb on PATH nor under /usr/lib/postgresql): \
             run scripts/setup",
        );
        let dir = tempfile::Builder::new()
            .prefix("checkout-pg-")
            .tempdir()
            .expect("a folder for the test cluster")
            .keep();
        let port = free_port();
        let root = run_output(Command::new("id").arg("-u")) == "0";
        if root {
            // PostgreSQL refuses to run as root: its own user owns the cluster.
            run(Command::new("chown").arg("postgres:").arg(&dir));
        }
        let data = dir.join("data");
        as_owner(
            root,
            &format!(
                "{bin}/initdb -D {data} -A trust -U postgres --no-sync >{dir}/initdb.log 2>&1",
                bin = bin.display(),
                data = data.display(),
                dir = dir.display()
            ),
        );
        as_owner(
            root,
            &format!(
                "{bin}/pg_ctl -D {data} -l {dir}/log -w start -o '-p {port} -k {dir} \
                 -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300' >/dev/null",
                bin = bin.display(),
                data = data.display(),
                dir = dir.display()
            ),
        );
        watch(&data, &dir);
        Cluster { port }
    }
}

/// Where `initdb` and `pg_ctl` are: on PATH, else the newest under Debian's folder.
fn bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .find(|folder| folder.join("initdb").is_file() && folder.join("pg_ctl").is_file())
    });
    on_path.or_else(|| {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
            .filter(|bin| bin.join("initdb").is_file())
            .collect();
        versions.sort();
        versions.pop()
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Runs `script` as the cluster's owner: the `postgres` user when the tests run as root.
fn as_owner(root: bool, script: &str) {
    if root {
        run(Command::new("su").args(["postgres", "-s", "/bin/sh", "-c", script]));
    } else {
        run(Command::new("sh").args(["-c", script]));
    }
}

fn run(command: &mut Command) {
    let status = command.status().expect("run a PostgreSQL command");
    assert!(status.success(), "{command:?} failed: {status}");
}

fn run_output(command: &mut Command) -> String {
    let output = command.output().expect("run a command");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Stops the cluster and removes its folder once this process has exited.
fn watch(data: &Path, dir: &Path) {
    let script = format!(
        "while kill -0 {test} 2>/dev/null; do sleep 0.2; done
         postmaster=$(head -n 1 {data}/postmaster.pid)
         kill -INT $postmaster
         while kill -0 $postmaster 2>/dev/null; do sleep 0.1; done
         rm -rf {dir}",
        test = std::process::id(),
        data = data.display(),
        dir = dir.display()
    );
    // `setsid --fork` returns at once, leaving the watcher in a session of its own.
    run(Command::new("setsid")
        .args(["--fork", "sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null()));
}
