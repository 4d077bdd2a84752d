//! The server behind a real TLS-terminating reverse proxy as merchants deploy it (nginx from
//! the system's packages, installed by `scripts/setup`), with `TRUSTED_PROXIES` naming it: each
//! shopper is limited on their own address, not on the proxy's, and a client that writes
//! `X-Forwarded-For` itself, straight to the server, is not believed.

mod common;

use std::net::IpAddr;
use std::process::{Child, Command};
use std::time::Duration;

use common::{start, unique, TestServer};
use serde_json::{json, Value};

/// nginx in front of `server`, on a free loopback port, in a folder of its own.
struct Proxy {
    base: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx() -> String {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|path| std::path::Path::new(path).exists())
        .expect("nginx is not installed: run scripts/setup, which installs it")
        .to_string()
}

async fn proxy_in_front_of(server: &TestServer) -> Proxy {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let upstream = server.base.trim_start_matches("http://");
    let folder = dir.path().display();
    let config = format!(
        "daemon off;
master_process off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"
    );
    let path = dir.path().join("nginx.conf");
    std::fs::write(&path, config).unwrap();
    let proxy = Proxy {
        base: format!("http://127.0.0.1:{port}"),
        child: Command::new(nginx())
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&path)
            .spawn()
            .expect("nginx starts"),
        _dir: dir,
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return proxy;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nginx did not listen on {port}");
}

/// A shopper's browser on its own loopback address (`127.0.0.x`).
fn shopper(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from([127, 0, 0, last]))
        .build()
        .unwrap()
}

async fn create(client: &reqwest::Client, base: &str, forwarded: Option<&str>) -> u16 {
    let mut request = client
        .post(format!("{base}/api/v1/payments"))
        .header("Idempotency-Key", format!("k-{}", unique()))
        .json(&json!({"order": "demo-dz", "method": "yassir_cash", "phone": "+213555000001"}));
    if let Some(forwarded) = forwarded {
        request = request.header("X-Forwarded-For", forwarded);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let _: Value = response.json().await.unwrap();
    status
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_shopper_is_limited_on_their_own_address() {
    let server = start(&[
        ("RATE_LIMIT_PER_CLIENT_PER_MINUTE", "3"),
        ("TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    let proxy = proxy_in_front_of(&server).await;
    let (first, second) = (shopper(2), shopper(3));
    for _ in 0..3 {
        assert_eq!(create(&first, &proxy.base, None).await, 201);
    }
    assert_eq!(create(&first, &proxy.base, None).await, 429);
    // Another shopper behind the same proxy still pays.
    assert_eq!(create(&second, &proxy.base, None).await, 201);
    // A shopper cannot dodge the limit by writing the header the proxy appends to.
    assert_eq!(create(&first, &proxy.base, Some("198.51.100.1")).await, 429);
}

#[tokio::test]
async fn a_forwarded_header_from_a_client_that_is_no_trusted_proxy_is_ignored() {
    let server = start(&[
        ("RATE_LIMIT_PER_CLIENT_PER_MINUTE", "3"),
        ("TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    // Straight to the server from 127.0.0.4, a new "client" in each header: one address.
    let direct = shopper(4);
    for index in 0..3 {
        let forged = format!("203.0.113.{index}");
        assert_eq!(create(&direct, &server.base, Some(&forged)).await, 201);
    }
    assert_eq!(
        create(&direct, &server.base, Some("203.0.113.99")).await,
        429
    );
}

#[tokio::test]
async fn without_trusted_proxies_every_shopper_behind_a_proxy_shares_its_limit() {
    // What the setting is for: the proxy's one address is all the server sees.
    let server = start(&[("RATE_LIMIT_PER_CLIENT_PER_MINUTE", "3")]).await;
    let proxy = proxy_in_front_of(&server).await;
    for _ in 0..3 {
        assert_eq!(create(&shopper(2), &proxy.base, None).await, 201);
    }
    assert_eq!(create(&shopper(3), &proxy.base, None).await, 429);
}
