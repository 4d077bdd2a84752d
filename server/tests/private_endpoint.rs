//! The merchant's webhook endpoint behind a private certificate authority, as a shop rehearsing
//! live mode sets it up: nginx (from the system's packages) serving HTTPS with a certificate of
//! the shop's own authority. Without `WEBHOOK_CA_FILE` each delivery fails and says it was the
//! certificate; with it, the events are delivered.

mod common;

use std::process::{Child, Command};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{fresh_secret, start_full};
use serde_json::Value;

/// An HTTPS endpoint answering 204 to anything, with a certificate for 127.0.0.1 issued by a
/// certificate authority made for the test (`ca.pem` in its folder).
struct PrivateEndpoint {
    url: String,
    ca: std::path::PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for PrivateEndpoint {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl(folder: &std::path::Path, arguments: &[&str]) {
    let output = Command::new("openssl")
        .current_dir(folder)
        .args(arguments)
        .output()
        .expect("openssl runs");
    assert!(
        output.status.success(),
        "openssl {arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn private_endpoint() -> PrivateEndpoint {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    openssl(
        folder,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Shop test authority",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
    );
    openssl(
        folder,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "hook.key",
            "-out",
            "hook.csr",
        ],
    );
    std::fs::write(folder.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(
        folder,
        &[
            "x509",
            "-req",
            "-in",
            "hook.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "hook.pem",
        ],
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let path = folder.display();
    let config = format!(
        "daemon off;
master_process off;
worker_processes 1;
pid {path}/nginx.pid;
error_log {path}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {path}/body;
    proxy_temp_path {path}/proxy;
    fastcgi_temp_path {path}/fastcgi;
    uwsgi_temp_path {path}/uwsgi;
    scgi_temp_path {path}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {path}/hook.pem;
        ssl_certificate_key {path}/hook.key;
        location / {{ return 204; }}
    }}
}}
"
    );
    std::fs::write(folder.join("nginx.conf"), config).unwrap();
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|path| std::path::Path::new(path).exists())
        .expect("nginx is not installed: run scripts/setup, which installs it");
    let child = Command::new(nginx)
        .arg("-p")
        .arg(folder)
        .arg("-c")
        .arg(folder.join("nginx.conf"))
        .spawn()
        .expect("nginx starts");
    let endpoint = PrivateEndpoint {
        url: format!("https://127.0.0.1:{port}/hooks"),
        ca: folder.join("ca.pem"),
        child,
        _dir: dir,
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return endpoint;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nginx did not listen on {port}");
}

/// The first delivery of the payment's first event, once its first attempt is made.
async fn first_delivery(server: &common::TestServer, payment: &str) -> Value {
    server.deliver_webhooks().await;
    let (_, events) = server
        .admin_get(&format!(
            "/api/v1/admin/webhooks/events?payment_id={payment}"
        ))
        .await;
    let delivery = &events["events"][0]["deliveries"][0];
    assert!(
        delivery["state"] == "delivered" || delivery["last_error"].is_string(),
        "{events}"
    );
    delivery.clone()
}

#[tokio::test]
async fn an_endpoint_of_a_private_authority_needs_its_ca_file_and_says_so() {
    let endpoint = private_endpoint().await;
    let secret = format!("whsec_{}", STANDARD.encode(fresh_secret()));
    let hooks = [
        ("WEBHOOK_URLS", endpoint.url.as_str()),
        ("WEBHOOK_SECRET", secret.as_str()),
        ("WEBHOOK_FIRST_RETRY_MS", "60000"),
    ];
    let without = start_full(&hooks).await;
    let (_, paid) = without.yassir_payment("demo-dz", "+213555000002").await;
    let delivery = first_delivery(&without, paid["id"].as_str().unwrap()).await;
    let error = delivery["last_error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with("TLS failed") && error.contains("WEBHOOK_CA_FILE"),
        "{delivery}"
    );
    assert!(
        error.to_ascii_lowercase().contains("issuer"),
        "which check failed: {error}"
    );

    let ca_file = endpoint.ca.display().to_string();
    let mut trusted = hooks.to_vec();
    trusted.push(("WEBHOOK_CA_FILE", ca_file.as_str()));
    let with = start_full(&trusted).await;
    let (_, paid) = with.yassir_payment("demo-dz", "+213555000002").await;
    let delivery = first_delivery(&with, paid["id"].as_str().unwrap()).await;
    assert_eq!(delivery["state"], "delivered", "{delivery}");
}
