//! The order-token signers `docs/integration.md` prints for Node.js, Python and PHP, taken from
//! the page as printed and run with the interpreters the set-up installs (`node`, `python3`,
//! `php`): each reproduces the page's test vectors byte for byte and signs tokens that a server
//! process in sandbox mode, told nothing, pays with its published signing secret. The vectors
//! are the server's own signer's, and the guide's PHP is the PHP example's own code.

mod common;

use checkout_server::order_token::{OrderSigner, TokenOrder};
use checkout_server::secrets::SANDBOX_ORDER_SIGNING_SECRET;
use common::{run_program, start_process, unique};
use serde_json::{json, Value};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The integration guide, as merchants read it.
fn integration_guide() -> String {
    std::fs::read_to_string(format!("{ROOT}/docs/integration.md")).unwrap()
}

/// The fenced blocks of `page` whose info string is `<language> <marker>`, as printed.
fn fenced(page: &str, language: &str, marker: &str) -> Vec<String> {
    let opening = format!("```{language} {marker}");
    let mut blocks = Vec::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() == opening {
            let block: Vec<&str> = lines.by_ref().take_while(|line| *line != "```").collect();
            blocks.push(block.join("\n") + "\n");
        }
    }
    blocks
}

/// The one order-token signer the guide prints in `language`.
fn printed_signer(language: &str) -> String {
    let mut blocks = fenced(&integration_guide(), language, "order-token-signer");
    assert_eq!(
        blocks.len(),
        1,
        "one `{language} order-token-signer` block in docs/integration.md"
    );
    blocks.remove(0)
}

/// The guide's test vectors: the raw JSON as printed (its orders' keys in their printed order,
/// which a byte-for-byte signature depends on) and parsed.
fn printed_vectors() -> (String, Vec<Value>) {
    let mut blocks = fenced(&integration_guide(), "json", "order-token-vectors");
    assert_eq!(
        blocks.len(),
        1,
        "one `json order-token-vectors` block in docs/integration.md"
    );
    let raw = blocks.remove(0);
    let parsed: Vec<Value> = serde_json::from_str(&raw).expect("the vectors are JSON");
    assert!(parsed.len() >= 3, "{raw}");
    (raw, parsed)
}

/// How each language's signer is run: the file it is saved as, and a driver that reads a JSON
/// array of `{"order", "secret"}` on its input and prints one token a line.
struct Language {
    /// The info string's language and the interpreter.
    fence: &'static str,
    interpreter: &'static str,
    signer_file: &'static str,
    driver_file: &'static str,
    driver: &'static str,
}

const NODE: Language = Language {
    fence: "js",
    interpreter: "node",
    signer_file: "order-token.mjs",
    driver_file: "driver.mjs",
    driver: "import { readFileSync } from 'node:fs';
import { orderToken } from './order-token.mjs';
for (const { order, secret } of JSON.parse(readFileSync(0, 'utf8'))) console.log(orderToken(order, secret));
",
};

const PYTHON: Language = Language {
    fence: "python",
    interpreter: "python3",
    signer_file: "order_token.py",
    driver_file: "driver.py",
    driver: "import json, sys
from order_token import order_token
for case in json.loads(sys.stdin.buffer.read().decode('utf-8')):
    print(order_token(case['order'], case['secret']))
",
};

const PHP: Language = Language {
    fence: "php",
    interpreter: "php",
    signer_file: "order-token.php",
    driver_file: "driver.php",
    driver: "<?php
require __DIR__ . '/order-token.php';
foreach (json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR) as $case) {
    echo checkout_order_token($case['order'], $case['secret']), \"\\n\";
}
",
};

/// Signs each `{"order", "secret"}` of the JSON array `cases` with the guide's signer in
/// `language`, saved and run as a merchant would.
fn sign_with(language: &Language, cases: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(language.signer_file),
        printed_signer(language.fence),
    )
    .unwrap();
    std::fs::write(dir.path().join(language.driver_file), language.driver).unwrap();
    let (status, printed) = run_program(
        language.interpreter,
        &[language.driver_file],
        dir.path(),
        &[],
        cases,
    );
    assert_eq!(
        status, 0,
        "{} {}: {printed}",
        language.interpreter, language.driver_file
    );
    printed.lines().map(str::to_string).collect()
}

/// What every signer of the guide must do: reproduce the vectors byte for byte, and sign a new
/// order that a sandbox server, told no secret, pays for its amount.
async fn a_printed_signer_reproduces_the_vectors_and_is_paid(language: &Language) {
    let (raw, vectors) = printed_vectors();
    let expected: Vec<&str> = vectors
        .iter()
        .map(|vector| vector["token"].as_str().unwrap())
        .collect();
    assert_eq!(
        sign_with(language, &raw),
        expected,
        "the test vectors, in {}",
        language.interpreter
    );

    let server = start_process(&[]).await;
    let reference = format!("INV-{}", unique());
    let expires_at = time::OffsetDateTime::now_utc().unix_timestamp() + 3600;
    let order = json!({
        "reference": reference,
        "description": "Deux billets de concert, été 2026",
        "amount_minor": 420000,
        "currency": "DZD",
        "expires_at": expires_at,
    });
    let cases = json!([{"order": order, "secret": SANDBOX_ORDER_SIGNING_SECRET}]).to_string();
    let [token] = <[String; 1]>::try_from(sign_with(language, &cases)).unwrap();

    let (status, session) = server.get(&format!("/api/v1/checkout?order={token}")).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["order"]["reference"], reference.as_str());
    assert_eq!(session["order"]["amount_minor"], 420000);
    assert_eq!(
        session["order"]["description"],
        "Deux billets de concert, été 2026"
    );
    let (status, paid) = server.yassir_payment(&token, "+213555000002").await;
    assert_eq!(
        (status, paid["status"].as_str()),
        (200, Some("succeeded")),
        "{paid}"
    );
    assert_eq!(paid["order"], reference.as_str());
    assert_eq!(paid["amount_minor"], 420000);
}

#[tokio::test]
async fn the_node_signer_of_the_integration_guide_signs_tokens_the_server_pays() {
    a_printed_signer_reproduces_the_vectors_and_is_paid(&NODE).await;
}

#[tokio::test]
async fn the_python_signer_of_the_integration_guide_signs_tokens_the_server_pays() {
    a_printed_signer_reproduces_the_vectors_and_is_paid(&PYTHON).await;
}

#[tokio::test]
async fn the_php_signer_of_the_integration_guide_signs_tokens_the_server_pays() {
    a_printed_signer_reproduces_the_vectors_and_is_paid(&PHP).await;
}

/// The PHP the guide prints is the example's own code, so the two cannot drift apart.
#[test]
fn the_guides_php_signer_is_the_examples() {
    let printed = printed_signer("php");
    let functions = printed
        .strip_prefix("<?php\n")
        .expect("the snippet opens with <?php");
    let example =
        std::fs::read_to_string(format!("{ROOT}/examples/backend/php/order-token.php")).unwrap();
    assert!(
        example.contains(functions.trim_end()),
        "docs/integration.md's PHP is not order-token.php's:\n{functions}"
    );
}

/// The vectors are what the server's own signer makes with the sandbox's published secret, and
/// what it accepts.
#[test]
fn the_test_vectors_are_the_servers_own_tokens() {
    let (_, vectors) = printed_vectors();
    for vector in vectors {
        let secret = vector["secret"].as_str().unwrap();
        assert_eq!(
            secret, SANDBOX_ORDER_SIGNING_SECRET,
            "the vectors use the sandbox's secret"
        );
        let order: TokenOrder = serde_json::from_value(vector["order"].clone()).unwrap();
        let signer = OrderSigner::new(secret.as_bytes());
        assert_eq!(
            vector["token"].as_str().unwrap(),
            signer.sign(&order),
            "{}",
            vector["order"]
        );
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let accepted = signer
            .verify(vector["token"].as_str().unwrap(), now)
            .unwrap();
        assert_eq!(
            (accepted.reference, accepted.amount_minor),
            (order.reference, order.amount_minor)
        );
    }
}
