//! `openapi.yaml` at the repository root describes the same API as the router and the contract
//! types: the router's routes and the description's paths are the same set, each with its
//! method, and every payment status is listed.
//! The file is read as text, so no YAML parser is needed.

use checkout_contract::PaymentStatus;
use checkout_server::api::CONTRACT_ROUTES as ROUTES;

fn spec() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The lines of the block under `key:` at `depth` spaces of indentation, up to the next key at
/// that depth or less.
fn block<'a>(lines: &[&'a str], key: &str, depth: usize) -> Vec<&'a str> {
    let header = format!("{}{key}:", " ".repeat(depth));
    let start = lines
        .iter()
        .position(|line| line.trim_end() == header)
        .unwrap_or_else(|| panic!("openapi.yaml has no `{}` line", header.trim_start()));
    lines[start + 1..]
        .iter()
        .take_while(|line| {
            line.trim().is_empty() || line.trim_start().starts_with('#') || indent(line) > depth
        })
        .copied()
        .collect()
}

/// The keys directly under a block whose keys sit at `depth` spaces.
fn keys(block: &[&str], depth: usize) -> Vec<String> {
    block
        .iter()
        .filter(|line| indent(line) == depth && !line.trim_start().starts_with('#'))
        .filter_map(|line| line.trim().strip_suffix(':'))
        .map(|key| key.trim_matches(|c| c == '\'' || c == '"').to_string())
        .collect()
}

#[test]
fn every_route_is_documented_with_its_method() {
    let text = spec();
    let lines: Vec<&str> = text.lines().collect();
    let paths = block(&lines, "paths", 0);
    let documented = keys(&paths, 2);

    for (method, route) in ROUTES {
        assert!(
            documented.iter().any(|path| path == route),
            "`{route}` is missing under `paths:`"
        );
        let operations = block(&paths, route, 2);
        assert!(
            keys(&operations, 4).iter().any(|key| key == method),
            "`{route}` is documented without `{method}:`"
        );
    }
    for path in &documented {
        assert!(
            ROUTES.iter().any(|(_, route)| route == path),
            "openapi.yaml documents `{path}`, which the router does not serve"
        );
    }
}

#[test]
fn every_payment_status_is_in_the_status_enum() {
    let text = spec();
    let lines: Vec<&str> = text.lines().collect();
    let components = block(&lines, "components", 0);
    let schemas = block(&components, "schemas", 2);
    let schema = block(&schemas, "PaymentStatus", 4);
    let values: Vec<&str> = block(&schema, "enum", 6)
        .iter()
        .filter_map(|line| line.trim().strip_prefix("- "))
        .collect();

    for status in PaymentStatus::ALL {
        assert!(
            values.contains(&status.as_str()),
            "status `{}` is missing from the PaymentStatus enum",
            status.as_str()
        );
        assert!(
            schema
                .iter()
                .any(|line| line.contains(&format!("`{}`", status.as_str()))),
            "status `{}` is not described in the PaymentStatus schema",
            status.as_str()
        );
    }
    assert_eq!(
        values.len(),
        PaymentStatus::ALL.len(),
        "the PaymentStatus enum has values the contract does not: {values:?}"
    );
}

#[test]
fn every_merchant_event_is_described_under_webhooks() {
    let spec = spec();
    let lines: Vec<&str> = spec.lines().collect();
    let described = keys(&block(&lines, "webhooks", 0), 2);
    let events: Vec<String> = checkout_server::merchant_webhooks::events::EventType::ALL
        .iter()
        .map(|kind| kind.as_str().to_string())
        .collect();
    assert_eq!(described, events);
    let enumerated = spec
        .lines()
        .find(|line| line.trim_start().starts_with("enum: [payment.succeeded"))
        .expect("the WebhookEventType enum");
    for event in &events {
        assert!(
            enumerated.contains(event.as_str()),
            "{event} missing from {enumerated}"
        );
    }
}
